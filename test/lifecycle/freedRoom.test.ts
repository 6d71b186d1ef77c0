/**
 * Room on its way back: a cancelled job's VM holds its host until oned has ended it (its
 * epilog). A job waiting for that room starts within the same tick, which stays while the VM
 * ends, rather than at the next scheduled tick.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDynamoLocal } from '../helpers/dynamo';
import { inProcess } from '../helpers/inProcess';
import { FAST_TIMING, startSimulator, type Simulator } from '../../local/sim';

const dynamo = useDynamoLocal();
let sim: Simulator;
beforeAll(async () => {
  // Two hosts of 4 CPUs; a VM's epilog takes 1.5 s, as a real datastore's would take some time.
  sim = await startSimulator({ fixture: path.resolve(__dirname, '../fixtures/stack/two-hosts.json'), timing: { ...FAST_TIMING, epilog: 1_500 }, bootScripts: false });
});
afterAll(async () => { await sim?.close(); });

const alice = { user: 'alice', role: 'user' as const };

describe('room freed by a cancel', () => {
  it('is used by the tick that sees the VM ending: the waiting job starts in that tick', { timeout: 60_000 }, async () => {
    // Prepare: both hosts full with production, a best-effort job waiting
    const p = await inProcess(dynamo.client, await dynamo.freshTables(), sim.url);
    const prodA = await p.jobs.submit(alice, { service: 'prod-service', class: 'prod', vcpu: 4, memory: 1024, args: ['600'] });
    const prodB = await p.jobs.submit(alice, { service: 'prod-service', class: 'prod', vcpu: 4, memory: 1024, args: ['600'] });
    await p.tick();
    const waiting = await p.jobs.submit(alice, { service: 'nrt-service', class: 'beff', vcpu: 4, memory: 1024, args: ['600'] });
    await p.tick();
    const before = await p.store.jobs.get(waiting.id);

    // Act: the cancel ends prodA's VM; it holds its host through its epilog
    await p.jobs.cancel(alice, prodA.id);
    const report = await p.tick();

    // Assess
    expect([(await p.store.jobs.get(prodA.id))!.state, (await p.store.jobs.get(prodB.id))!.state]).toEqual(['CANCELLED', 'RUNNING']);
    expect(before!.state).toBe('QUEUED');
    const after = (await p.store.jobs.get(waiting.id))!;
    expect(['DISPATCHING', 'RUNNING']).toContain(after.state);
    expect(report.rounds).toBeGreaterThan(1);
    expect(sim.state.capacityViolations()).toEqual([]);
  });
});
