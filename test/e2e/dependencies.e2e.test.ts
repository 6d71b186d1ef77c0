/**
 * Jobs that wait for others, end to end on the local stack through svmschedclient: a pipeline of
 * three jobs chained with --after runs in order; when the second fails, the third fails at once
 * (not at its pending deadline); an unknown or another user's job is refused at submit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../lib/cli/errors';
import { runClient } from '../cli/cliProcess';
import { api, startStack, waitForJob, type Stack } from '../helpers/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

const client = (args: string[]) => runClient(args, { env: { SVMSCHED_URL: stack.url, SVMSCHED_TOKEN: stack.userToken } });
const submit = async (args: string[]): Promise<string> => {
  const r = await client([...args, '--quiet']);
  expect(r.code, r.stderr).toBe(EXIT.ok);
  return r.stdout.trim();
};
const at = (job: any, to: string) => Date.parse(job.history.find((h: any) => h.to === to)?.at);

describe('a pipeline chained with --after', () => {
  it('runs in order, each waiting with the reason', { timeout: 180_000 }, async () => {
    // The first works long enough for the others (each submit a process of its own) to be seen waiting.
    const first = await submit(['-r', 'nrt-service', '-a', '12', '-t', 'prod']);
    const second = await submit(['-r', 'nrt-service', '-a', '1', '-t', 'prod', '--after', first]);
    const third = await submit(['-r', 'nrt-service', '-a', '1', '-t', 'prod', '--after', `${second}:ok`]);

    const waiting = await waitForJob(stack, stack.userToken, second, (j) => /^waits for /.test(j.reason ?? ''));
    expect(waiting.state).toBe('QUEUED');
    expect(waiting.reason).toMatch(new RegExp(`^waits for ${first} \\((QUEUED|DISPATCHING|RUNNING)\\)$`));
    expect((await waitForJob(stack, stack.userToken, third, (j) => /^waits for /.test(j.reason ?? ''))).reason).toBe(`waits for ${second} (QUEUED)`);
    const last = await waitForJob(stack, stack.userToken, third, (j) => ['COMPLETED', 'FAILED'].includes(j.state), 150_000);
    expect(last.state).toBe('COMPLETED');
    const [a, b, c] = await Promise.all([first, second, third].map(async (id) => (await api(stack, 'GET', `/jobs/${id}`, { token: stack.userToken })).body));
    expect(at(b, 'DISPATCHING')).toBeGreaterThanOrEqual(at(a, 'COMPLETED'));
    expect(at(c, 'DISPATCHING')).toBeGreaterThanOrEqual(at(b, 'COMPLETED'));
  });

  it('the third fails at once when the second fails, and never runs', { timeout: 180_000 }, async () => {
    const first = await submit(['-r', 'nrt-service', '-a', '1', '-t', 'prod']);
    // nrt-service refuses an argument that is not seconds: exit 64.
    const second = await submit(['-r', 'nrt-service', '-a', 'not-seconds', '-t', 'prod', '--after', first]);
    const third = await submit(['-r', 'nrt-service', '-a', '1', '-t', 'prod', '--after', second]);
    const onFailure = await submit(['-r', 'nrt-service', '-a', '1', '-t', 'prod', '--after', `${second}:notok`]);

    const c = await waitForJob(stack, stack.userToken, third, (j) => j.state === 'FAILED', 150_000);
    expect(c.reason).toBe(`waits for ${second} to end well, but it ended FAILED: it can never start`);
    expect(c.history.map((h: any) => h.to)).toEqual(['QUEUED', 'FAILED']);
    const b = (await api(stack, 'GET', `/jobs/${second}`, { token: stack.userToken })).body;
    expect(b).toMatchObject({ state: 'FAILED', exitCode: 64 });
    expect(at(c, 'FAILED')).toBeGreaterThanOrEqual(at(b, 'FAILED'));
    // afternotok: the job meant for the failure runs.
    expect((await waitForJob(stack, stack.userToken, onFailure, (j) => ['COMPLETED', 'FAILED'].includes(j.state), 120_000)).state).toBe('COMPLETED');
  });

  it('after an array: after every element', { timeout: 180_000 }, async () => {
    const array = await submit(['-r', 'nrt-service', '-a', '1', '-t', 'prod', '--count', '3']);
    const next = await submit(['-r', 'nrt-service', '-a', '1', '-t', 'prod', '--after', array]);
    const done = await waitForJob(stack, stack.userToken, next, (j) => ['COMPLETED', 'FAILED'].includes(j.state), 150_000);
    expect(done.state).toBe('COMPLETED');
    const a = (await api(stack, 'GET', `/jobs/${array}`, { token: stack.userToken })).body;
    for (const e of a.elements) expect(at(done, 'DISPATCHING')).toBeGreaterThanOrEqual(Date.parse(e.updatedAt));
  });
});

describe('refused at submit', () => {
  it('an unknown job, or another user\'s, with a 400 naming it', async () => {
    const unknown = 'j0000000000ffffffffffffffff';
    const res = await api(stack, 'POST', '/jobs', { token: stack.userToken, body: { service: 'nrt-service', args: ['1'], dependsOn: [{ job: unknown }] } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ field: 'dependsOn', message: `dependsOn: job ${unknown} does not exist` });

    const bobs = await api(stack, 'POST', '/jobs', { token: stack.otherUserToken, body: { service: 'nrt-service', args: ['1'] } });
    expect(bobs.status).toBe(202);
    const foreign = await client(['-r', 'nrt-service', '-a', '1', '--after', bobs.body.id]);
    expect(foreign.code).toBe(EXIT.usage);
    expect(foreign.stderr).toContain(`job ${bobs.body.id} is not yours`);
  });
});
