/**
 * svmsched-admin check, run as a real process against the simulator: a configuration naming
 * an image and a network the cloud lacks is refused with both named and their fixes; the
 * local stack's configuration passes. A cloud without OneGate, or not answering, blocks.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../local/sim';
import { ADMIN_EXIT } from '../../lib/admin/errors';
import { ROOT, runAdmin } from './adminProcess';

let sim: Simulator;
let api: Server;
let apiUrl: string;
let dir: string;
let authFile: string;

beforeAll(async () => {
  sim = await startSimulator({ bootScripts: false });
  // Stands for the API the VMs call back: any HTTP answer counts.
  api = createServer((_req, res) => { res.writeHead(401).end(); });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
  dir = await mkdtemp(path.join(tmpdir(), 'svmsched-check-'));
  authFile = path.join(dir, 'one_auth');
  await writeFile(authFile, 'oneadmin:opennebula\n');
});
afterAll(async () => {
  await sim?.close();
  await new Promise((r) => api?.close(r));
  if (dir) await rm(dir, { recursive: true, force: true });
});

const CONFIG = path.join(ROOT, 'local/svmsched.xml');
const check = (config: string, env: Record<string, string> = {}) =>
  runAdmin(['check', '--config', config], { ONE_XMLRPC: sim.url, ONE_AUTH: authFile, SVMSCHED_CALLBACK_URL: apiUrl, ...env });

/** The local configuration with one service's image and network replaced. */
async function configNaming(image: string, network: string): Promise<string> {
  const xml = (await readFile(CONFIG, 'utf8'))
    .replace('<image>ubuntu-24.04</image>', `<image>${image}</image>`)
    .replace('<networks><network mode="auto"/></networks>', `<networks><network vnet="${network}"/></networks>`)
    .replace('<localPath>repository</localPath>', `<localPath>${path.join(ROOT, 'local/repository')}</localPath>`);
  const file = path.join(dir, `${image}.xml`);
  await writeFile(file, xml);
  return file;
}

describe('svmsched-admin check', () => {
  it('passes the local configuration: no failure (the loopback callback URL only warns), exit 0', async () => {
    // Act
    const r = await check(CONFIG);

    // Assess
    expect(r.stderr).toBe('');
    expect(r.code).toBe(ADMIN_EXIT.ok);
    for (const name of ['OpenNebula', 'hosts', 'image ubuntu-24.04', 'networks (auto)', 'system datastore', 'OneGate', 'callback URL']) {
      expect(r.stdout).toMatch(new RegExp(`^(ok|WARN)\\s+${name.replace(/[()]/g, '\\$&')}\\s`, 'm'));
    }
    expect(r.stdout).toMatch(/^ok\s+OpenNebula\s+version 7\.0\.0 at /m);
    expect(r.stdout).toMatch(new RegExp(`^ok\\s+OneGate\\s+${sim.oneGate!.url}`, 'm'));
    expect(r.stdout).not.toMatch(/^FAIL/m);
  });

  it('reports a missing image and a missing network, each with its fix, and exits non-zero', async () => {
    // Prepare
    const config = await configNaming('centos-stream-9', 'lab-net');

    // Act
    const r = await check(config);
    const json = await runAdmin(['--json', 'check', '--config', config], { ONE_XMLRPC: sim.url, ONE_AUTH: authFile, SVMSCHED_CALLBACK_URL: apiUrl });

    // Assess
    expect(r.code).toBe(ADMIN_EXIT.blocked);
    expect(r.stdout).toMatch(/^FAIL\s+image centos-stream-9\s+no such image \(for example-service1\)\n\s+fix: create it \(oneimage create/m);
    expect(r.stdout).toMatch(/^FAIL\s+network lab-net\s+no such network \(for example-service1\)\n\s+fix: create it \(onevnet create\)/m);
    expect(r.stdout).toMatch(/^ok\s+image ubuntu-24\.04\s/m);
    expect(r.stderr).toMatch(/^svmsched-admin: 2 checks failed \(image centos-stream-9, network lab-net\): jobs cannot run on http:\/\/127\.0\.0\.1:\d+\/RPC2 until fixed\n$/);
    const checks = JSON.parse(json.stdout).checks as { check: string; status: string; fix?: string }[];
    expect(checks.filter((c) => c.status === 'fail').map((c) => [c.check, Boolean(c.fix)])).toEqual([['image centos-stream-9', true], ['network lab-net', true]]);
    expect(json.code).toBe(ADMIN_EXIT.blocked);
  });

  it('blocks on a cloud without OneGate, and on one that does not answer', async () => {
    // Prepare
    const noGate = await startSimulator({ bootScripts: false, oneGate: false });
    try {
      // Act
      const gate = await check(CONFIG, { ONE_XMLRPC: noGate.url });
      const down = await check(CONFIG, { ONE_XMLRPC: 'http://127.0.0.1:9/RPC2' });

      // Assess
      expect(gate.code).toBe(ADMIN_EXIT.blocked);
      expect(gate.stdout).toMatch(/^FAIL\s+OneGate\s+ONEGATE_ENDPOINT is not set in oned\.conf.*\n\s+fix: set ONEGATE_ENDPOINT/m);
      expect(down.code).toBe(ADMIN_EXIT.blocked);
      expect(down.stdout).toMatch(/^FAIL\s+OpenNebula\s+http:\/\/127\.0\.0\.1:9\/RPC2 as oneadmin: .*\n\s+fix: check ONE_XMLRPC/m);
    } finally {
      await noGate.close();
    }
  });
});
