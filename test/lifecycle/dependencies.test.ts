import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDynamoLocal } from '../helpers/dynamo';
import { inProcess, tickUntil } from '../helpers/inProcess';
import { FAST_TIMING, startSimulator, type Simulator } from '../../local/sim';
import { verdict, type Known } from '../../lib/lifecycle/dependencies';
import type { Dependency, JobState } from '../../lib/domain/job';

const known = (states: Record<string, JobState | [JobState, boolean]>) => (id: string): Known => {
  const s = states[id];
  if (s === undefined) return undefined;
  const [state, lifetimeIsSuccess] = Array.isArray(s) ? s : [s, undefined];
  return { id, state, lifetimeIsSuccess };
};
const after = (...deps: [string, Dependency['condition']][]) => ({ dependsOn: deps.map(([job, condition]) => ({ job, condition })) });

describe('a job\'s dependencies', () => {
  it('waits, naming the first dependency not ended and its state', () => {
    expect(verdict(after(['a', 'ok'], ['b', 'ok']), known({ a: 'COMPLETED', b: 'RUNNING' }))).toEqual({ type: 'wait', reason: 'waits for b (RUNNING)' });
  });

  it('is ready once every dependency ended as needed (a session that reached its lifetime ended well)', () => {
    expect(verdict(after(['a', 'ok'], ['b', 'notok'], ['c', 'any']), known({ a: ['EXPIRED', true], b: 'FAILED', c: 'CANCELLED' }))).toEqual({ type: 'ready' });
  });

  it('fails at once when a dependency can no longer end as needed, even while another still runs', () => {
    expect(verdict(after(['a', 'ok'], ['b', 'ok']), known({ a: 'RUNNING', b: 'FAILED' }))).toEqual({
      type: 'fail', reason: 'waits for b to end well, but it ended FAILED: it can never start',
    });
    expect(verdict(after(['a', 'notok']), known({ a: 'COMPLETED' })).type).toBe('fail');
    expect(verdict(after(['a', 'ok']), known({ a: 'EXPIRED' })).type).toBe('fail');
    expect(verdict(after(['gone', 'any']), known({})).type).toBe('fail');
  });
});

describe('the tick holds a job back until its dependencies ended (in process, DynamoDB Local and the simulator)', () => {
  const dynamo = useDynamoLocal();
  let sim: Simulator;
  beforeAll(async () => { sim = await startSimulator({ timing: FAST_TIMING, bootScripts: false }); });
  afterAll(async () => { await sim?.close(); });
  const alice = { user: 'alice', role: 'user' as const };

  it('says what it waits for, and starts once it ended well', async () => {
    const app = await inProcess(dynamo.client, await dynamo.freshTables(), sim.url);
    const first = await app.jobs.submit(alice, { service: 'nrt-service', args: ['60'], class: 'prod' });
    const second = await app.jobs.submit(alice, { service: 'nrt-service', args: ['1'], class: 'prod', dependsOn: [{ job: first.id }] });
    await tickUntil(app, first.id, ['RUNNING']);
    const waiting = (await app.store.jobs.get(second.id))!;
    expect(waiting).toMatchObject({ state: 'QUEUED', reason: `waits for ${first.id} (RUNNING)` });

    const done = await app.jobs.complete(first.id, { token: await app.vmToken((await app.store.jobs.get(first.id))!), exitCode: 0 });
    expect(done.state).toBe('COMPLETED');
    const started = await tickUntil(app, second.id, ['DISPATCHING', 'RUNNING']);
    // Met, the dependency is dropped: it is not read again.
    expect(started.dependsOn).toBeUndefined();
  });
});
