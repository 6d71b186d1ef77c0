/**
 * Early ticks, coalesced (lib/lifecycle/kick.ts): many kicks at once start one tick; a kick
 * while a tick runs starts none and that tick serves it; no kick is lost in between, not even
 * one that arrives as the tick lets go of its lease. The marker logic runs on DynamoDB Local;
 * the Lambda invoke, which cannot be produced here, is a counter that starts a tick in-process.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDynamoLocal } from '../helpers/dynamo';
import { FAST_TIMING, startSimulator, type Simulator } from '../../local/sim';
import { loadConfig } from '../../lib/config';
import { openStoreWith, type TableNames } from '../../lib/store';
import { buildApp, cloudFrom } from '../../lib/app';
import { JobService } from '../../lib/jobs/service';
import { kickTick, KICK_COALESCE_MS } from '../../lib/lifecycle/kick';
import { runTick, TICK_LEASE, type TickReport } from '../../lib/lifecycle/tick';
import type { KickStore } from '../../lib/lifecycle/ports';

const dynamo = useDynamoLocal();
let sim: Simulator;
beforeAll(async () => { sim = await startSimulator({ timing: FAST_TIMING, bootScripts: false }); });
afterAll(async () => { await sim?.close(); });

const CONFIG = fileURLToPath(new URL('../../local/svmsched.xml', import.meta.url));
const alice = { user: 'alice', role: 'user' as const };

async function parts(names: TableNames) {
  const env = { SVMSCHED_ONE_PASSWORD: 'opennebula', ONE_XMLRPC: sim.url };
  const config = await loadConfig(CONFIG, env);
  const store = openStoreWith(dynamo.client, names, config);
  const { cloud } = cloudFrom(config, env);
  return { config, store, cloud };
}

describe('coalesced kicks', () => {
  it('start one tick for many kicks at once, none while it is asked for, and one again once it is over', { timeout: 60_000 }, async () => {
    // Prepare
    const { store, config, cloud } = await parts(await dynamo.freshTables());
    let invocations = 0;
    let now = Date.now();
    const kick = () => kickTick({ kicks: store.kicks, invoke: async () => void invocations++, clock: () => now });

    // Act: 100 kicks at once, then 50 more before the tick asked for has started
    const first = await Promise.all(Array.from({ length: 100 }, () => kick()));
    const asked = invocations;
    await Promise.all(Array.from({ length: 50 }, () => kick()));
    const stillAsked = invocations;
    // the tick asked for starts (takes the lease), finds nothing to do, and lets go
    const report = await runTick({ store: store.jobs, leases: store.leases, kicks: store.kicks, cloud, config, crash: () => {}, clock: () => now, owner: 'tick-1' }, { settleMs: 10 });
    const after = await kick();
    // an invocation that never started a tick is asked for again once the coalescing window has passed
    const lostRetry = [await kick()];
    now += KICK_COALESCE_MS + 1;
    lostRetry.push(await kick());

    // Assess
    expect(first.filter(Boolean)).toHaveLength(1);
    expect([asked, stillAsked]).toEqual([1, 1]);
    expect(report.skipped).toBeUndefined();
    expect(after).toBe(true);
    expect(lostRetry).toEqual([false, true]);
    expect(invocations).toBe(3);
    expect(await store.kicks.kicks(TICK_LEASE)).toBe(153);
  });

  it('while a tick runs start none: a kick as it lets go gets another round, and the job behind it starts', { timeout: 60_000 }, async () => {
    // Prepare
    const { store, config, cloud } = await parts(await dynamo.freshTables());
    let invocations = 0;
    const clock = () => Date.now();
    const kick = () => kickTick({ kicks: store.kicks, invoke: async () => void invocations++, clock });
    const jobs = new JobService({ repo: store.jobs, config, cloud, clock, kick: async () => void (await kick()) });
    let late: string | undefined;
    // The narrowest window there is: after the tick's last round, just before its conditional release.
    const kicks: KickStore = {
      kick: (...a) => store.kicks.kick(...a),
      kicks: (...a) => store.kicks.kicks(...a),
      async releaseUnlessKicked(...a) {
        if (late === undefined) late = (await jobs.submit(alice, { service: 'nrt-service', args: ['1'] })).id;
        return store.kicks.releaseUnlessKicked(...a);
      },
    };

    // Act
    const report = await runTick({ store: store.jobs, leases: store.leases, kicks, cloud, config, crash: () => {}, clock, owner: 'tick-1' }, { budgetMs: 30_000, settleMs: 50 });
    const served = await store.jobs.get(late!);
    const duringTick = invocations;
    await jobs.submit(alice, { service: 'nrt-service', args: ['1'] });

    // Assess
    expect(duringTick).toBe(0);
    expect(report.kicked).toBeGreaterThanOrEqual(1);
    expect(served!.state).toBe('RUNNING');
    // the lease is free again: the next kick starts a tick
    expect(invocations).toBe(1);
  });

  it('through the app: a burst of concurrent submits starts few ticks, none finds the lease held, and every job is seen', { timeout: 180_000 }, async () => {
    // Prepare
    const names = await dynamo.freshTables();
    const ticks: Array<Promise<TickReport>> = [];
    const app = await buildApp({
      SVMSCHED_CONFIG: CONFIG, SVMSCHED_ONE_PASSWORD: 'opennebula', ONE_XMLRPC: sim.url,
      DYNAMODB_ENDPOINT: dynamo.endpoint, SVMSCHED_TABLE_PREFIX: names.jobs.replace(/-jobs$/, ''),
    }, { invokeTick: async () => void ticks.push(app.tick(`kick-${ticks.length + 1}`, 60_000)) });
    const SUBMITS = 120;

    // Act: 20 clients submitting at once
    const ids: string[] = [];
    await Promise.all(Array.from({ length: 20 }, async (_, c) => {
      for (let i = c; i < SUBMITS; i += 20) ids.push((await app.jobs.submit(alice, { service: 'nrt-service', vcpu: 1, memory: 512, args: ['1'] })).id);
    }));
    const invocations = ticks.length;
    const reports = [];
    for (let i = 0; i < ticks.length; i++) reports.push(await ticks[i]!);

    // Assess
    console.log(`${SUBMITS} concurrent submits: ${invocations} tick invocations, rounds ${reports.map((r) => r.rounds).join('/')}, kicked rounds ${reports.map((r) => r.kicked ?? 0).join('/')}`);
    expect(invocations).toBeGreaterThanOrEqual(1);
    expect(invocations).toBeLessThan(SUBMITS / 10);
    expect(reports.filter((r) => r.skipped)).toEqual([]);
    // Seen by a round that started after it was submitted: started, or waiting with the planner's reason.
    const jobs = await Promise.all(ids.map((id) => app.jobs.get(alice, id)));
    expect(jobs.filter((j) => j.state === 'QUEUED' && !j.reason).map((j) => j.id)).toEqual([]);
  });
});
