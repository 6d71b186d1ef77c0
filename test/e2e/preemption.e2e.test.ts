/**
 * Production preempts best effort, over the real stack, on a two-host cloud (4 CPUs each):
 * the best-effort job is stopped for the production job, then resumed on the other host
 * once that is where room is, and still completes its work; and, cancelled, the production job
 * gives its room back to the job it displaced at once, not at the next scheduled tick.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startStack, waitForJob, type Stack } from '../helpers/stack';
import { FAST_TIMING } from '../../local/sim';

let stack: Stack;
beforeAll(async () => {
  // An epilog of 4 s: a VM ending holds its host a while, as on a real cloud (oned frees it when the epilog ends),
  // longer than a kicked tick takes to start.
  stack = await startStack({ sim: { fixture: path.resolve(__dirname, '../fixtures/stack/two-hosts.json'), timing: { ...FAST_TIMING, epilog: 4_000 } } });
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

  it('resumes the preempted job within seconds of the cancel that frees its room', { timeout: 180_000 }, async () => {
    // Prepare: beff on one host, prod on the other, then a second prod job displaces the beff one
    const beff = await submit({ service: 'nrt-service', class: 'beff', vcpu: 4, memory: 1024, args: ['60'] });
    const beffHost = (await running(beff.id)).hostId;
    const other = await submit({ service: 'prod-service', class: 'prod', vcpu: 4, memory: 1024, args: ['60'] });
    await running(other.id);
    const displacing = await submit({ service: 'prod-service', class: 'prod', vcpu: 4, memory: 1024, args: ['60'] });
    await waitForJob(stack, stack.userToken, beff.id, (j) => j.state === 'PREEMPTED');
    expect((await running(displacing.id)).hostId).toBe(beffHost);

    // Act: cancelling the displacing job frees the room (once its VM's epilog is over)
    expect((await api(stack, 'DELETE', `/jobs/${displacing.id}`, { token: stack.userToken })).status).toBe(202);
    const resumed = await waitForJob(stack, stack.userToken, beff.id, (j) => j.state === 'RUNNING' && j.preemptions === 1);

    // Assess: from the jobs' own histories, the resume came well before a scheduled tick (every 60 s) would
    const cancelledAt = Date.parse((await waitForJob(stack, stack.userToken, displacing.id)).history.at(-1).at);
    const resumingAt = Date.parse(resumed.history.filter((e: { to: string }) => e.to === 'RESUMING').at(-1).at);
    console.log(`preempted job resumed ${resumingAt - cancelledAt} ms after the cancel that freed its room`);
    expect(resumingAt - cancelledAt).toBeGreaterThan(0);
    expect(resumingAt - cancelledAt).toBeLessThan(15_000);
    expect(resumed.hostId).toBe(beffHost);
    for (const id of [beff.id, other.id]) await api(stack, 'DELETE', `/jobs/${id}`, { token: stack.userToken });
    expect(stack.sim.state.capacityViolations()).toEqual([]);
  });
});
