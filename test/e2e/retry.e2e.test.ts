/**
 * Retry rules end to end on the local stack: a service whose configuration retries one exit
 * code and stops on another, seen to retry (each attempt in the history with its reason) and to
 * stop; and a job that narrows its service's rules.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startStack, waitForJob, type Stack } from '../helpers/stack';

const ROOT = path.resolve(__dirname, '../..');
let stack: Stack;
let configDir: string;

/** example-service1 exits 64 on a wrong number of arguments and 66 on a file it cannot read. */
const RULES = `<retry><attempts>3</attempts><rules>
        <rule><on>exit:64</on><action>stop</action></rule>
        <rule><on>exit:6?</on><action>retry</action></rule>
      </rules></retry>
    </service>`;

beforeAll(async () => {
  configDir = await mkdtemp(path.join(tmpdir(), 'svmsched-retry-'));
  const xml = (await readFile(path.join(ROOT, 'local/svmsched.xml'), 'utf8'))
    .replace(/(<service id="example-service1">[\s\S]*?)<\/service>/, `$1${RULES}`);
  expect(xml).toContain('<on>exit:6?</on>');
  await writeFile(path.join(configDir, 'svmsched.xml'), xml);
  stack = await startStack({ configPath: path.join(configDir, 'svmsched.xml') });
}, 180_000);
afterAll(async () => {
  await stack?.stop();
  if (configDir) await rm(configDir, { recursive: true, force: true });
});

const submit = async (body: unknown) => {
  const res = await api(stack, 'POST', '/jobs', { token: stack.userToken, body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.id as string;
};
const runs = (job: any) => job.history.filter((h: any) => h.to === 'DISPATCHING').length;

describe('retry rules of a service', () => {
  it('retry: exit 66 matches exit:6?, so the job runs 3 times, each attempt with its reason, then gives up', { timeout: 180_000 }, async () => {
    const id = await submit({ service: 'example-service1', args: ['/data/repository/no-such-file'], class: 'prod' });
    const job = await waitForJob(stack, stack.userToken, id, (j) => j.state === 'FAILED', 150_000);
    expect(runs(job)).toBe(3);
    expect(job.attempts).toBe(2);
    const requeued = job.history.filter((h: any) => h.to === 'QUEUED' && h.from !== undefined).map((h: any) => h.reason);
    expect(requeued).toEqual([
      'service exited with code 66; retrying (attempt 2 of 3)',
      'service exited with code 66; retrying (attempt 3 of 3)',
    ].map((r) => expect.stringMatching(new RegExp(`^${r.replace(/[()]/g, '\\$&').replace('code 66', 'code 66.*')}`))));
    expect(job.reason).toMatch(/^service exited with code 66.*; gave up after 3 attempts$/);
    expect(job.exitCode).toBe(66);
  });

  it('stop: exit 64 matches exit:64, so the job fails at its first attempt, saying which rule stopped it', { timeout: 180_000 }, async () => {
    const id = await submit({ service: 'example-service1', args: ['one', 'two'], class: 'prod' });
    const job = await waitForJob(stack, stack.userToken, id, (j) => j.state === 'FAILED', 150_000);
    expect(runs(job)).toBe(1);
    expect(job.reason).toMatch(/^service exited with code 64.*; not retried \(rule exit:64: stop\)$/);
  });

  it('a job narrows them: two attempts at most, and a rule of its own that stops', { timeout: 180_000 }, async () => {
    const fewer = await submit({ service: 'example-service1', args: ['/data/repository/no-such-file'], class: 'prod', retry: { attempts: 2 } });
    const stopped = await submit({ service: 'example-service1', args: ['/data/repository/no-such-file'], class: 'prod', retry: { rules: [{ on: 'exit:66', action: 'stop' }] } });
    const a = await waitForJob(stack, stack.userToken, fewer, (j) => j.state === 'FAILED', 150_000);
    const b = await waitForJob(stack, stack.userToken, stopped, (j) => j.state === 'FAILED', 150_000);
    expect(runs(a)).toBe(2);
    expect(a.reason).toMatch(/gave up after 2 attempts$/);
    expect(runs(b)).toBe(1);
    expect(b.reason).toMatch(/not retried \(rule exit:66: stop\)$/);
  });

  it('refuses a rule it cannot read, naming the field', async () => {
    const res = await api(stack, 'POST', '/jobs', { token: stack.userToken, body: { service: 'example-service1', args: ['x'], retry: { rules: [{ on: 'exit:abc', action: 'stop' }] } } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error)).toContain('retry');
  });
});
