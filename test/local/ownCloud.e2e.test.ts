/**
 * `npm start` against your own OpenNebula: with ONE_XMLRPC, ONE_AUTH and a configuration file
 * on its command line it starts no simulator; a separately started simulator on another port
 * stands for your oned. Every XML-RPC call goes there: none to the configuration's endpoint
 * (a second simulator, standing for a default), none to the simulator port of `npm start`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/ports';
import { startSimulator, type Simulator } from '../../local/sim';
import { ROOT } from '../../local/stack';
import { tempDir } from '../cli/cliProcess';
import { api, waitForJob } from '../helpers/stack';

const state = tempDir('svmsched-own-');
let yours: Simulator;
let fallback: Simulator;
let child: ChildProcess | undefined;

beforeAll(async () => {
  const repo = path.join(state.path, 'repository');
  await cp(path.join(ROOT, 'local/repository'), repo, { recursive: true });
  yours = await startSimulator({ repositories: { '/data/repository': repo } });
  fallback = await startSimulator({ bootScripts: false });
});
afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGINT');
    await new Promise((r) => child!.once('exit', r));
  }
  await yours?.close();
  await fallback?.close();
  state.remove();
});

const listening = (port: number) => new Promise<boolean>((done) => {
  const s = connect(port, '127.0.0.1');
  s.once('connect', () => { s.destroy(); done(true); });
  s.once('error', () => done(false));
});

describe('npm start against your own OpenNebula', () => {
  it('starts no simulator, talks only to the cloud ONE_XMLRPC names with ONE_AUTH\'s credentials, checks it first, and runs jobs on it', { timeout: 300_000 }, async () => {
    // Prepare: a configuration whose endpoint is another simulator, and a one_auth file
    const config = path.join(state.path, 'svmsched.xml');
    await writeFile(config, (await readFile(path.join(ROOT, 'local/svmsched.xml'), 'utf8'))
      .replace('<endpoint>http://localhost:2633/RPC2</endpoint>', `<endpoint>${fallback.url}</endpoint>`)
      .replace('<localPath>repository</localPath>', `<localPath>${path.join(state.path, 'repository')}</localPath>`));
    const auth = path.join(state.path, 'one_auth');
    await writeFile(auth, 'oneadmin:opennebula\n');
    const [http, lambda, sim, dynamo] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const { SVMSCHED_ONE_PASSWORD: _p, SVMSCHED_CALLBACK_URL: _c, ...inherited } = process.env;
    const env = {
      ...inherited, ONE_XMLRPC: yours.url, ONE_AUTH: auth,
      SVMSCHED_STATE_DIR: state.path, SVMSCHED_STAGE: `own${process.pid}`,
      SVMSCHED_HTTP_PORT: String(http), SVMSCHED_LAMBDA_PORT: String(lambda), SVMSCHED_SIM_PORT: String(sim), SVMSCHED_DYNAMO_PORT: String(dynamo),
    };

    // Act: npm start, then a job through its API, cancelled once it runs
    child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts', '--config', config], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (b: Buffer) => { output += b.toString(); });
    child.stderr!.on('data', (b: Buffer) => { output += b.toString(); });
    await new Promise<void>((ready, fail) => {
      child!.stdout!.on('data', () => { if (output.includes('The stack stays up')) ready(); });
      child!.once('exit', (code) => fail(new Error(`npm start ended (${code}) before it was up:\n${output}`)));
    });
    const url = /API \(serverless-offline\)\s+(\S+)/.exec(output)![1]!;
    const token = /local admin token\s+(\S+)/.exec(output)![1]!;
    const cluster = await api({ url }, 'GET', '/cluster', { token });
    const job = (await api({ url }, 'POST', '/jobs', { token, body: { service: 'nrt-service', args: ['600'] } })).body;
    await waitForJob({ url }, token, job.id, (j) => j.state === 'RUNNING');
    expect((await api({ url }, 'DELETE', `/jobs/${job.id}`, { token })).status).toBe(202);
    const cancelled = await waitForJob({ url }, token, job.id);

    // Assess: what it said
    expect(output).toContain(`against your OpenNebula at ${yours.url} as oneadmin (no simulator)`);
    expect(output).toMatch(new RegExp(`OpenNebula \\(yours\\)\\s+${yours.url.replace(/[.]/g, '\\.')}`));
    expect(output).not.toContain('OpenNebula simulator');
    expect(output).toMatch(/Preflight of .*\n[\s\S]*ok\s+image ubuntu-24\.04/);
    expect(output).not.toMatch(/^FAIL/m);
    // Followed until it runs; on a loaded machine the follower may first see it already COMPLETED.
    expect(output).toMatch(/job \S+: (RUNNING|COMPLETED) on /);
    // what it did: jobs and the cluster view from your cloud
    expect(cancelled.state).toBe('CANCELLED');
    expect(cluster.status).toBe(200);
    expect(JSON.stringify(cluster.body)).toContain(yours.state.hosts()[0]!.name);
    // where every call went
    const calls = yours.calls();
    for (const m of ['one.system.version', 'one.system.config', 'one.imagepool.info', 'one.vm.allocate', 'one.vm.deploy', 'one.vm.action', 'one.vmpool.infoextended']) {
      expect(calls[m], m).toBeGreaterThan(0);
    }
    expect(fallback.calls()).toEqual({});
    expect(await listening(sim)).toBe(false);
    expect(yours.state.capacityViolations()).toEqual([]);
  });
});
