/**
 * A job's result does not depend on one HTTP call: over the real stack, the VMs' completion
 * callback goes to an address where the API is not reachable (connection refused), and the
 * exit code still settles the job through OneGate (the VM's USER_TEMPLATE, read by the tick).
 * Then OneGate is down too while the API comes back: the callback, retried with backoff, gets
 * through, and the job never fails meanwhile.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, ROOT } from '../../local/stack';
import { freePort } from '../../local/ports';
import { api, startStack, waitForJob, type Stack } from '../helpers/stack';

let stack: Stack;
let configDir: string;
/** Where the VMs call back: nothing listens there until a test opens the way to the API. */
let callbackPort: number;

beforeAll(async () => {
  // The local configuration, with a report window long enough for an outage of a few seconds.
  configDir = await mkdtemp(path.join(tmpdir(), 'svmsched-result-'));
  const text = (await readFile(DEFAULT_CONFIG, 'utf8'))
    .replace('<maxAttempts>3</maxAttempts>', '<maxAttempts>3</maxAttempts><reportSeconds>90</reportSeconds>')
    .replace('<localPath>repository</localPath>', `<localPath>${path.join(ROOT, 'local/repository')}</localPath>`);
  const configPath = path.join(configDir, 'svmsched.xml');
  await writeFile(configPath, text);
  callbackPort = await freePort();
  stack = await startStack({ configPath, env: { SVMSCHED_CALLBACK_URL: `http://127.0.0.1:${callbackPort}` } });
  // The stack took its own free ports after this one was picked: none may be the same.
  const taken = [stack.url, stack.sim.url, stack.sim.oneGate!.url, stack.dynamoEndpoint].map((u) => Number(new URL(u).port));
  if (taken.includes(callbackPort)) throw new Error(`port ${callbackPort} was given to the stack too; run again`);
}, 180_000);
afterAll(async () => {
  await stack?.stop();
  if (configDir) await rm(configDir, { recursive: true, force: true });
});

const submit = async (body: unknown) => {
  const res = await api(stack, 'POST', '/jobs', { token: stack.userToken, body });
  expect(res.status).toBe(202);
  return res.body as { id: string };
};
const consoleOf = async (vmId: number) => {
  const runs = stack.sim.state.guestRuns().filter((r) => r.vmId === vmId);
  return (await Promise.all(runs.map((r) => readFile(r.consoleLog, 'utf8')))).join('');
};

describe('the API unreachable for the callback', () => {
  it('a job still ends COMPLETED with code 0, and a failing one FAILED with its own code, through OneGate', { timeout: 180_000 }, async () => {
    // Act
    const ok = await submit({ service: 'example-service1', args: ['/data/repository/file.dat'] });
    const bad = await submit({ service: 'example-service1', args: ['/data/repository/no-such-file.dat'] });
    const [okJob, badJob] = await Promise.all([waitForJob(stack, stack.userToken, ok.id), waitForJob(stack, stack.userToken, bad.id)]);

    // Assess
    expect(okJob).toMatchObject({ state: 'COMPLETED', exitCode: 0 });
    expect(okJob.history.at(-1).reason).toBe('service exited with code 0 (recorded by its VM through OneGate)');
    expect(badJob).toMatchObject({ state: 'FAILED', exitCode: 66, attempts: 0 });
    expect(badJob.reason ?? badJob.history.at(-1).reason).toBe('service exited with code 66 (recorded by its VM through OneGate)');
    expect(await readFile(path.join(stack.repositoryDir, 'file.dat.result'), 'utf8')).toMatch(/^sha256: [0-9a-f]{64}$/m);
    // The guests recorded their codes; their callbacks met a closed port.
    const okConsole = await consoleOf(okJob.vmId);
    expect(okConsole).toContain('svmsched: exit code 0 recorded through OneGate');
    expect(okConsole).toContain(`Failed to connect to 127.0.0.1 port ${callbackPort}`);
    expect(await consoleOf(badJob.vmId)).toContain('svmsched: exit code 66 recorded through OneGate');
    // Settling the job ended its VM.
    await expect.poll(() => stack.sim.state.vm(okJob.vmId)?.state, { timeout: 20_000 }).toBe('DONE');
  });
});

describe('OneGate down and the API back after a while', () => {
  let proxy: Server | undefined;
  afterAll(async () => { await new Promise((r) => (proxy ? proxy.close(r) : r(undefined))); });

  it('the retried callback gets through, and the job stays RUNNING until it does', { timeout: 180_000 }, async () => {
    // Prepare: OneGate refuses connections for the whole test.
    stack.sim.oneGate!.refuseConnections(150_000);
    const forwarded: string[] = [];

    // Act: the job runs and ends while neither way is open.
    const job = await submit({ service: 'nrt-service', args: ['1'] });
    const running = await waitForJob(stack, stack.userToken, job.id, (j) => j.state === 'RUNNING');
    await expect.poll(async () => consoleOf(running.vmId), { timeout: 60_000, interval: 500 }).toContain('OneGate did not take the exit code');
    await expect.poll(async () => consoleOf(running.vmId), { timeout: 60_000, interval: 500 }).toContain(`Failed to connect to 127.0.0.1 port ${callbackPort}`);
    // Its script has given up on OneGate and is retrying the callback: the job has not failed.
    expect((await api(stack, 'GET', `/jobs/${job.id}`, { token: stack.userToken })).body.state).toBe('RUNNING');
    // The API comes back at the callback address (a plain forwarder in front of it).
    proxy = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      try {
        const answer = await fetch(`${stack.url}${req.url}`, { method: req.method, headers: { 'content-type': 'application/json' }, body: Buffer.concat(chunks) });
        forwarded.push(`${req.method} ${req.url} ${answer.status}`);
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(await answer.text());
      } catch (err) {
        // The guest gave up waiting (its curl has a time limit) while a loaded API was still at work: it tries again.
        forwarded.push(`${req.method} ${req.url} ${(err as Error).message}`);
        res.destroy();
      }
    });
    await new Promise<void>((r) => proxy!.listen(callbackPort, '127.0.0.1', r));

    // Assess
    const done = await waitForJob(stack, stack.userToken, job.id);
    expect(done).toMatchObject({ state: 'COMPLETED', exitCode: 0 });
    expect(done.history.at(-1).reason).toBe('service exited with code 0');
    // It came by the callback (the reason has no OneGate in it), through the forwarder (which
    // records the call once the API has answered it, after the job was seen COMPLETED maybe).
    await expect.poll(() => forwarded.filter((f) => f.startsWith(`POST /jobs/${job.id}/complete `)).length, { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await consoleOf(done.vmId)).not.toContain('recorded through OneGate');
  });
});
