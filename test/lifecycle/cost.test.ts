/**
 * What DynamoDB charges: one job from submit to completion, and one tick, which must cost
 * the same however many finished jobs the table holds (the queue index holds only unfinished ones).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDynamoLocal } from '../helpers/dynamo';
import { inProcess } from '../helpers/inProcess';
import { FAST_TIMING, startSimulator, type Simulator } from '../../local/sim';

const dynamo = useDynamoLocal();
let sim: Simulator;
beforeAll(async () => { sim = await startSimulator({ timing: FAST_TIMING, bootScripts: false }); });
afterAll(async () => { await sim?.close(); });

const alice = { user: 'alice', role: 'user' as const };

describe('DynamoDB cost', () => {
  it('of one job, submit to completion, is a fixed handful of writes', { timeout: 120_000 }, async () => {
    const app = await inProcess(dynamo.client, await dynamo.freshTables(), sim.url);
    dynamo.counting.reset();

    const submitted = await app.jobs.submit(alice, { service: 'nrt-service', args: ['1'] }, 'key-1');
    let job = submitted;
    while (job.state !== 'RUNNING') {
      await app.tick();
      job = (await app.store.jobs.get(job.id))!;
    }
    const done = await app.jobs.complete(job.id, { token: await app.vmToken(job), exitCode: 0 });

    expect(done.state).toBe('COMPLETED');
    const c = dynamo.counting.counts();
    console.log(`one job, submit to completion: ${c.calls} calls, ${c.readUnits} RCU, ${c.writeUnits} WCU`, JSON.stringify(c.byOperation));
    // A regression guard: create (transaction, 10) + 4 transitions (4 each) + a few patches,
    // + 2 for the unfinished-by-owner index entry (the per-user limit's count), put at create, removed at the end,
    // + the final transition's transaction with the day's usage item (transactional writes count twice) and its byUser entry.
    expect(c.writeUnits).toBeLessThanOrEqual(44);
    expect(c.byOperation.Scan).toBeUndefined();
  });

  it('of one tick does not grow with finished jobs', { timeout: 300_000 }, async () => {
    const costOfTick = async (finished: number) => {
      const names = await dynamo.freshTables();
      const app = await inProcess(dynamo.client, names, sim.url);
      for (let i = 0; i < finished; i += 25) {
        await Promise.all(Array.from({ length: Math.min(25, finished - i) }, async () => {
          const j = await app.jobs.submit(alice, { service: 'nrt-service', args: ['1'] });
          await app.store.jobs.transition(j.id, 'QUEUED', 'CANCELLED', {}, { reason: 'test' });
        }));
      }
      dynamo.counting.reset();
      await app.tick();
      return dynamo.counting.counts();
    };

    const few = await costOfTick(10);
    const many = await costOfTick(300);

    console.log(`tick with 10 finished jobs: ${few.calls} calls, ${few.readUnits} RCU, ${few.writeUnits} WCU; with 300: ${many.calls} calls, ${many.readUnits} RCU, ${many.writeUnits} WCU`);
    expect(many.calls).toBe(few.calls);
    expect(many.readUnits).toBe(few.readUnits);
    expect(many.writeUnits).toBe(few.writeUnits);
    expect(many.byOperation.Scan).toBeUndefined();
  });
});
