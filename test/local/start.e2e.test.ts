/**
 * `npm start` as a person runs it, a separate process, on a state folder of its own: a restart
 * finds the jobs and tokens of the last run; `kill -9` of it leaves nothing running, and the next
 * start comes up on the same ports; a start while an earlier one still runs (its npm killed)
 * ends that one first; --fresh starts empty.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/ports';
import { cmdlineOf, type RecordedProcess } from '../../local/leftovers';
import { ROOT } from '../../local/stack';
import { tempDir } from '../cli/cliProcess';
import { api } from '../helpers/stack';

const state = tempDir('svmsched-start-');
const started: ChildProcess[] = [];
afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  await Promise.all(started.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  state.remove();
});

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly adminToken: string;
  /** The processes this start recorded in its run file. */
  readonly processes: RecordedProcess[];
  readonly output: () => string;
}

async function start(env: Record<string, string>, args: string[] = []): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts', ...args], {
    cwd: ROOT, env: { ...process.env, ...env, SVMSCHED_STATE_DIR: state.path, SVMSCHED_STAGE: `start${process.pid}` }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  child.stdout!.on('data', (b: Buffer) => { output += b.toString(); });
  child.stderr!.on('data', (b: Buffer) => { output += b.toString(); });
  await new Promise<void>((ready, fail) => {
    const look = () => { if (output.includes('The stack stays up')) ready(); };
    child.stdout!.on('data', look);
    child.once('exit', (code) => fail(new Error(`npm start ended (${code}) before it was up:\n${output}`)));
  });
  const url = /API \(serverless-offline\)\s+(\S+)/.exec(output)![1]!;
  const adminToken = /local admin token\s+(\S+)/.exec(output)![1]!;
  const processes = JSON.parse(readFileSync(`${state.path}/run.json`, 'utf8')) as RecordedProcess[];
  return { child, url, adminToken, processes, output: () => output };
}

const running = (processes: readonly RecordedProcess[]) => processes.filter((p) => cmdlineOf(p.pid) === p.cmdline);

async function untilGone(processes: readonly RecordedProcess[], ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (running(processes).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
}

const jobsOf = async (s: Pick<Started, 'url'>, token: string) => {
  const res = await api(s, 'GET', '/jobs?limit=100', { token });
  expect(res.status).toBe(200);
  return (res.body.jobs as { id: string; state: string }[]).map((j) => [j.id, j.state]);
};

describe('npm start', () => {
  it('keeps jobs and tokens across restarts, survives kill -9, replaces a stack left running, and --fresh starts empty', { timeout: 600_000 }, async () => {
    // Prepare: fixed ports, as `npm start` has.
    const [http, lambda, sim, dynamo] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const env = { SVMSCHED_HTTP_PORT: String(http), SVMSCHED_LAMBDA_PORT: String(lambda), SVMSCHED_SIM_PORT: String(sim), SVMSCHED_DYNAMO_PORT: String(dynamo) };
    const first = await start(env);
    const firstJobs = await jobsOf(first, first.adminToken);
    expect(firstJobs).toEqual([[expect.any(String), 'COMPLETED']]);
    // The web console's link signs in as the admin: the page at the API's root, the token in the fragment.
    expect(first.output()).toContain(`web console                ${first.url}/#token=${first.adminToken}`);
    const page = await fetch(`${first.url}/`);
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(await page.text()).toContain('<title>svmsched</title>');
    // The start process, DynamoDB Local's Java and serverless-offline at least.
    expect(first.processes.length).toBeGreaterThanOrEqual(3);

    // Act 1: kill -9, then start again on the same folder and ports.
    first.child.kill('SIGKILL');
    await untilGone(first.processes);
    const leftovers = running(first.processes);
    const second = await start(env);

    // Assess 1: nothing of the first is left; the same ports, token and jobs (and its own main job).
    expect(leftovers).toEqual([]);
    expect(second.url).toBe(first.url);
    expect(second.adminToken).toBe(first.adminToken);
    const secondJobs = await jobsOf(second, first.adminToken);
    expect(secondJobs).toEqual(expect.arrayContaining(firstJobs));
    expect(secondJobs).toHaveLength(2);

    // Act 2: its npm killed, the second start process runs on; a third start with --fresh.
    const third = await start(env, ['--fresh']);

    // Assess 2: the second stack ended cleanly; the third is empty but for its own main job, with a new token.
    expect(second.child.exitCode ?? second.child.signalCode).not.toBeNull();
    expect(running(second.processes)).toEqual([]);
    expect(third.output()).toMatch(/ended \d+ process\(es\) of an earlier local stack/);
    expect(third.adminToken).not.toBe(first.adminToken);
    expect((await api(third, 'GET', '/jobs', { token: first.adminToken })).status).toBe(401);
    expect(await jobsOf(third, third.adminToken)).toHaveLength(1);

    // Act 3: Ctrl-C.
    third.child.kill('SIGINT');
    await new Promise((r) => third.child.once('exit', r));

    // Assess 3: everything it started has ended.
    await untilGone(third.processes, 10_000);
    expect(running(third.processes)).toEqual([]);
  });
});
