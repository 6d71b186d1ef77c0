/**
 * Preemption by suspension, in process on DynamoDB Local and the simulator: a suspended VM
 * keeps its room booked in OpenNebula, so the production job is deployed at once (without
 * enforce) instead of waiting for room that would never free; the suspended job resumes on
 * its host once the production job is done.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDynamoLocal } from '../helpers/dynamo';
import { inProcess, tickUntil } from '../helpers/inProcess';
import { FAST_TIMING, startSimulator, type Simulator } from '../../local/sim';

const dynamo = useDynamoLocal();
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ timing: FAST_TIMING, bootScripts: false, fixture: path.resolve(__dirname, '../fixtures/stack/two-hosts.json') });
});
afterAll(async () => { await sim?.close(); });

const alice = { user: 'alice', role: 'user' as const };

describe('preemption by suspension', () => {
  it('deploys the prod job at once on the suspended job\'s host, then resumes the suspended job there', { timeout: 120_000 }, async () => {
    const app = await inProcess(dynamo.client, await dynamo.freshTables(), sim.url);
    const beff = [];
    for (let i = 0; i < 2; i++) {
      const j = await app.jobs.submit(alice, { service: 'nrt-service', class: 'beff', vcpu: 4, memory: 1024, args: ['600'] });
      await app.store.jobs.patch(j.id, 'QUEUED', { preemptMode: 'suspend' });
      beff.push(await tickUntil(app, j.id, ['RUNNING']));
    }

    const prod = await app.jobs.submit(alice, { service: 'prod-service', class: 'prod', vcpu: 4, memory: 1024, args: ['1'] });
    const running = await tickUntil(app, prod.id, ['RUNNING']);

    const victim = beff.find((b) => b.hostId === running.hostId)!;
    const suspended = await tickUntil(app, victim.id, ['PREEMPTED']);
    expect(suspended.history.find((e) => e.to === 'PREEMPTING')?.by).toBe(prod.id);
    expect(sim.state.vm(suspended.vmId!)?.state).toBe('SUSPENDED');

    await app.jobs.complete(prod.id, { token: await app.vmToken(running), exitCode: 0 });
    const resumed = await tickUntil(app, victim.id, ['RUNNING']);
    expect(resumed.hostId).toBe(victim.hostId);
    expect(sim.state.jobOverlaps('running')).toEqual([]);
  });
});
