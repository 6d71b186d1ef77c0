/**
 * Job arrays end to end on the local stack (serverless-offline, DynamoDB Local, the OpenNebula
 * simulator), through svmschedclient as a user types it: the training case as one command for
 * 25 attendees, an array with a concurrency limit, and a short-lived array followed with --wait.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../lib/cli/errors';
import { XmlRpcOneClient } from '../../lib/one/client';
import { ONE_PASSWORD } from '../../local/stack';
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
const get = async (id: string) => (await api(stack, 'GET', `/jobs/${id}`, { token: stack.userToken })).body;
const contextOf = async (vmId: number): Promise<Record<string, string>> => {
  const one = new XmlRpcOneClient({ endpoint: stack.sim.url, user: 'oneadmin', password: ONE_PASSWORD });
  const { xml } = await one.vmInfo(vmId);
  const context = xml!.children.find((c) => c.name === 'TEMPLATE')!.children.find((c) => c.name === 'CONTEXT')!;
  return Object.fromEntries(context.children.map((c) => [c.name, c.text]));
};

describe('the training case: one command for 25 attendees', () => {
  it('makes 25 VMs live, each with its index; list shows one row; one cancel ends them all', { timeout: 240_000 }, async () => {
    const submitted = await client(['-r', 'training-session', '-a', '3600', '--count', '25', '--json']);
    expect(submitted.code, submitted.stderr).toBe(EXIT.ok);
    const array = JSON.parse(submitted.stdout);
    expect(array.id).toMatch(/^a/);
    expect(array.array).toMatchObject({ size: 25, start: 0, end: 24 });

    const live = await waitForJob(stack, stack.userToken, array.id, (a) => a.counts?.RUNNING === 25, 180_000);
    expect(live.elements).toHaveLength(25);
    expect(live.elements.map((e: any) => e.arrayIndex)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(new Set(live.elements.map((e: any) => e.vmId)).size).toBe(25);
    // Each VM carries its own index and the array's size into the service's environment.
    for (const e of [live.elements[0], live.elements[24]]) {
      const context = await contextOf(e.vmId);
      expect(context).toMatchObject({ SVMSCHED_ARRAY_INDEX: String(e.arrayIndex), SVMSCHED_ARRAY_SIZE: '25', SVMSCHED_JOB_ID: e.id });
    }
    // Each element has its own history, lifetime and VM.
    const one = await get(live.elements[7].id);
    expect(one).toMatchObject({ arrayId: array.id, arrayIndex: 7, arraySize: 25, state: 'RUNNING', lifetime: 3600 });
    expect(one.history[0].reason).toBe(`element 7 of array ${array.id}`);

    const status = await client(['status', array.id]);
    expect(status.code, status.stderr).toBe(EXIT.ok);
    expect(status.stdout).toMatch(/^Counts: +25 RUNNING$/m);
    expect(status.stdout).toContain(live.elements[24].id);

    // One row for the array unless its elements are asked for.
    const list = await client(['list', '--json']);
    expect(list.code, list.stderr).toBe(EXIT.ok);
    const folded = JSON.parse(list.stdout).map((j: any) => j.id);
    expect(folded).toContain(array.id);
    expect(folded.filter((id: string) => id.startsWith(`${array.id}_`))).toEqual([]);
    const unfolded = JSON.parse((await client(['list', '--elements', '--limit', '100', '--json'])).stdout).map((j: any) => j.id);
    expect(unfolded.filter((id: string) => id.startsWith(`${array.id}_`))).toHaveLength(25);

    const cancelled = await client(['cancel', array.id]);
    expect(cancelled.code, cancelled.stderr).toBe(EXIT.ok);
    expect(cancelled.stdout).toContain('25 CANCELLED');
    const after = await get(array.id);
    expect(after.state).toBe('CANCELLED');
    expect(after.counts).toEqual({ CANCELLED: 25 });
    // --wait on an array that did not complete: exit non-zero.
    const waited = await client(['status', array.id, '--wait', '--json']);
    expect(waited.code).toBe(EXIT.jobUnsuccessful);
  });

  it('an array whose sessions reach their lifetime: --wait follows all of it and exits 0', { timeout: 180_000 }, async () => {
    const result = await client(['-r', 'training-session', '-a', '3', '--count', '3', '--wait', '--json']);
    expect(result.code, result.stderr).toBe(EXIT.ok);
    const array = JSON.parse(result.stdout);
    expect(array.state).toBe('COMPLETED');
    expect(array.counts).toEqual({ EXPIRED: 3 });
    for (const e of array.elements) expect(e.runSeconds).toBeGreaterThanOrEqual(3);
  });
});

describe('an array with a concurrency limit', () => {
  it('never runs more than 2 of its elements at a time (0-5%2), and completes them all', { timeout: 240_000 }, async () => {
    const submitted = await client(['-r', 'nrt-service', '-a', '2', '--array', '0-5%2', '--json']);
    expect(submitted.code, submitted.stderr).toBe(EXIT.ok);
    const { id } = JSON.parse(submitted.stdout);
    let most = 0;
    const final = await waitForJob(stack, stack.userToken, id, (a) => {
      const unfinished = (a.elements ?? []).filter((e: any) => !['COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED'].includes(e.state));
      most = Math.max(most, unfinished.length);
      return ['COMPLETED', 'FAILED', 'CANCELLED'].includes(a.state);
    }, 200_000);
    expect(final.state).toBe('COMPLETED');
    expect(final.counts).toEqual({ COMPLETED: 6 });
    expect(most).toBe(2);
    // Never more than 2 between any element's start and end: the runs, from their histories, overlap at most 2 deep.
    const spans = final.elements.map((e: any) => [Date.parse(e.history.find((h: any) => h.to === 'DISPATCHING').at), Date.parse(e.updatedAt)]);
    for (const [start] of spans) expect(spans.filter(([s, end]: number[]) => s <= start && start < end).length).toBeLessThanOrEqual(2);
  });

  it('refuses a bad range at submit, naming the field', async () => {
    const res = await api(stack, 'POST', '/jobs', { token: stack.userToken, body: { service: 'nrt-service', args: ['1'], array: '9-3' } });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('array');
    expect(res.body.error.message).toContain('ends (3) before it starts (9)');
    const both = await api(stack, 'POST', '/jobs', { token: stack.userToken, body: { service: 'nrt-service', args: ['1'], count: 3, array: '0-2' } });
    expect(both.status).toBe(400);
  });

  it('one Idempotency-Key covers the whole array', async () => {
    const body = { service: 'nrt-service', args: ['1'], count: 4, class: 'beff' };
    const first = await api(stack, 'POST', '/jobs', { token: stack.userToken, body, headers: { 'idempotency-key': 'array-once' } });
    const again = await api(stack, 'POST', '/jobs', { token: stack.userToken, body, headers: { 'idempotency-key': 'array-once' } });
    expect(first.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    await waitForJob(stack, stack.userToken, first.body.id, (a) => a.state === 'COMPLETED', 120_000);
    expect((await get(first.body.id)).counts).toEqual({ COMPLETED: 4 });
  });
});
