/**
 * The start script keeps the tail of the service's output and sends it with the exit code: run
 * by bash as a VM runs it, against a real HTTP server standing for the callback endpoint.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { START_SCRIPT } from '../../lib/lifecycle/startScript';

let dir: string;
let server: Server;
let bodies: Array<Record<string, unknown>>;

/** The callback endpoint: `refuseOutput` answers 413 to a body that carries an output, as an over-limit body is. */
async function callbackServer(refuseOutput: boolean): Promise<string> {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      bodies.push(body);
      res.statusCode = refuseOutput && 'output' in body ? 413 : 200;
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/jobs/j1/complete`;
}

/** Runs the script with a service that prints 30,000 numbered lines on stdout, then a line on stderr, and exits 3. */
async function runScript(url: string): Promise<string> {
  const service = join(dir, 'service.sh');
  writeFileSync(service, '#!/bin/bash\nseq 1 30000\necho "the end" >&2\nexit 3\n');
  chmodSync(service, 0o755);
  // A poweroff that does nothing: this is not a VM.
  writeFileSync(join(dir, 'poweroff'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(dir, 'poweroff'), 0o755);
  const script = join(dir, 'start.sh');
  writeFileSync(script, START_SCRIPT);
  const env = {
    PATH: `${dir}:${process.env.PATH}`, TMPDIR: dir,
    SVMSCHED_EXEC_B64: Buffer.from(service).toString('base64'), SVMSCHED_TOKEN: 'tok-0123456789abcdef',
    SVMSCHED_CALLBACK_URL: url, SVMSCHED_REPORT_SECONDS: '5',
  };
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d) => { log += d; });
    child.stderr.on('data', (d) => { log += d; });
    child.on('error', reject);
    child.on('exit', () => resolve(log));
  });
}

/** What the service wrote, stdout then stderr, as one stream. */
const written = () => `${Array.from({ length: 30000 }, (_, i) => `${i + 1}\n`).join('')}the end\n`;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'start-script-'));
  bodies = [];
});
afterEach(async () => {
  await new Promise((r) => server?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('the start script', () => {
  it('sends the exit code with the last 64 KB of the service\'s stdout and stderr', { timeout: 30_000 }, async () => {
    const url = await callbackServer(false);

    await runScript(url);

    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatchObject({ token: 'tok-0123456789abcdef', exitCode: 3 });
    const tail = Buffer.from(String(bodies[0]!.output), 'base64').toString('utf8');
    const all = written();
    expect(all.length).toBeGreaterThan(64 * 1024);
    expect(tail).toBe(all.slice(all.length - 64 * 1024));
  });

  it('still shows the whole output on the console', { timeout: 30_000 }, async () => {
    const url = await callbackServer(false);

    const log = await runScript(url);

    expect(log).toContain(written());
  });

  it('sends the exit code alone at once when the callback refuses the body with the output', { timeout: 30_000 }, async () => {
    const url = await callbackServer(true);

    const log = await runScript(url);

    expect(bodies.map((b) => ['output' in b, b.exitCode])).toEqual([[true, 3], [false, 3]]);
    expect(log).toContain('sending the exit code alone');
    expect(log).toContain('callback accepted');
  });
});
