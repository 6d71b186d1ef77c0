/**
 * Production preempts best effort, over the real stack, on a two-host cloud (4 CPUs each):
 * the best-effort job is stopped for the production job, then resumed on the other host
 * once that is where room is, and still completes its work.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startStack, waitForJob, type Stack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ sim: { fixture: path.resolve(__dirname, '../fixtures/stack/two-hosts.json') } });
}, 180_000);
afterAll(async () => { await stack?.stop(); });

const submit = async (body: unknown) => (await api(stack, 'POST', '/jobs', { token: stack.userToken, body })).body;
const running = (id: string) => waitForJob(stack, stack.userToken, id, (j) => j.state === 'RUNNING');

describe('preemption', () => {
  it('stops a beff job for a prod job, resumes it on the other host, and both complete', { timeout: 180_000 }, async () => {
    const beff = await submit({ service: 'nrt-service', class: 'beff', vcpu: 4, memory: 1024, args: ['12'] });
    const beffHost = (await running(beff.id)).hostId;
    const short = await submit({ service: 'prod-service', class: 'prod', vcpu: 4, memory: 1024, args: ['4'] });
    const shortHost = (await running(short.id)).hostId;
    expect(shortHost).not.toBe(beffHost);

    const long = await submit({ service: 'prod-service', class: 'prod', vcpu: 4, memory: 1024, args: ['15'] });

    const preempted = await waitForJob(stack, stack.userToken, beff.id, (j) => j.state === 'PREEMPTED');
    expect(preempted.history.find((e: { to: string }) => e.to === 'PREEMPTING')).toMatchObject({ by: long.id });
    expect((await running(long.id)).hostId).toBe(beffHost);
    const done = await waitForJob(stack, stack.userToken, beff.id);
    expect(done.state).toBe('COMPLETED');
    expect(done.preemptions).toBe(1);
    const resumedOn = done.history.filter((e: { to: string }) => e.to === 'RESUMING').at(-1).hostId;
    expect(resumedOn).toBe(shortHost);
    expect((await waitForJob(stack, stack.userToken, long.id)).state).toBe('COMPLETED');
    expect((await waitForJob(stack, stack.userToken, short.id)).state).toBe('COMPLETED');

    expect(stack.sim.state.capacityViolations()).toEqual([]);
    expect(stack.sim.state.jobOverlaps('running')).toEqual([]);
  });
});
