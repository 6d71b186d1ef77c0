/**
 * Optimisation end to end, in process, on DynamoDB Local and the OpenNebula simulator over
 * real XML-RPC (ports 2690-2699): jobs packed onto one host by the tick, then an optimisation
 * run with --apply balances them; the simulator's own records say the VMs moved and no host
 * went past its capacity, and the job records name the hosts their VMs run on, before and
 * after the next tick. A VM an operator migrates is followed by the tick's reconcile.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type SvmschedConfig } from '../../lib/config';
import { cloudFrom } from '../../lib/app';
import { JobService } from '../../lib/jobs/service';
import { runOptimize } from '../../lib/lifecycle/optimize';
import { runTick } from '../../lib/lifecycle/tick';
import { XmlRpcOneClient } from '../../lib/one/client';
import { openStoreWith } from '../../lib/store';
import type { Simulator } from '../../local/sim';
import { useDynamoLocal } from '../helpers/dynamo';
import { startThreeHostSim } from '../helpers/threeHostSim';

const dynamo = useDynamoLocal();
let sim: Simulator;

beforeAll(async () => { sim = await startThreeHostSim(); });
afterAll(async () => { await sim?.close(); });

const alice = { user: 'alice', role: 'user' as const };

async function harness(optimizeSettings: Partial<SvmschedConfig['optimize']> = {}) {
  const names = await dynamo.freshTables();
  const env = { SVMSCHED_ONE_PASSWORD: 'opennebula', ONE_XMLRPC: sim.url };
  const loaded = await loadConfig(path.resolve(__dirname, '../../local/svmsched.xml'), env);
  // Packing puts every job on one host: the unbalanced cluster to start from.
  const config: SvmschedConfig = { ...loaded, scheduling: { ...loaded.scheduling, host: { policy: 'packing', rank: '' } }, optimize: { ...loaded.optimize, ...optimizeSettings } };
  const store = openStoreWith(dynamo.client, names, config);
  const { cloud } = cloudFrom(config, env);
  const clock = () => Date.now();
  const jobs = new JobService({ repo: store.jobs, config, cloud, clock, kick: async () => {} });
  let n = 0;
  const tick = () => runTick({ store: store.jobs, leases: store.leases, cloud, config, crash: () => {}, clock, owner: `tick-${++n}` }, { budgetMs: 5_000, settleMs: 50 });
  const run = (options: Parameters<typeof runOptimize>[1]) => runOptimize({ store: store.jobs, leases: store.leases, cloud, config, clock, owner: `optimize-${++n}` }, options);
  const optimize = (apply: boolean) => run({ apply });
  return { store, jobs, tick, optimize, run };
}

async function settle(check: () => Promise<boolean>, what: string, tick?: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    if (tick) await tick();
    else await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never settled: ${what}`);
}

describe('optimize on the simulator', () => {
  it('balances jobs packed on one host, within capacity, and the jobs follow their VMs', { timeout: 120_000 }, async () => {
    // Prepare: three jobs, packed on one host by the tick.
    const app = await harness();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await app.jobs.submit(alice, { service: 'nrt-service', class: 'beff', vcpu: 1, memory: 512, args: ['600'] })).id);
    const all = async () => Promise.all(ids.map(async (id) => (await app.store.jobs.get(id))!));
    await settle(async () => (await all()).every((j) => j.state === 'RUNNING'), 'jobs running', app.tick);
    const packed = await all();
    expect(new Set(packed.map((j) => j.hostId)).size).toBe(1);

    // Act
    const report = await app.optimize(true);

    // Assess: the plan, what OpenNebula did, and the job records.
    expect(report.applied).toBe(true);
    expect(report.plan!.objectiveAfter).toBeLessThan(report.plan!.objectiveBefore);
    expect(report.migrations.map((m) => m.outcome)).toEqual(['done', 'done']);
    const vmRunning = async () => ids.every((_, k) => sim.state.vm(packed[k]!.vmId!)!.lcmState === 'RUNNING');
    await settle(vmRunning, 'migrations over');
    const hosts = packed.map((j) => sim.state.vm(j.vmId!)!.hostId);
    expect(new Set(hosts).size).toBe(3);
    for (const m of report.migrations) expect(sim.state.vm(m.action.vmId)!.placements.map((p) => p.hostId)).toEqual([m.action.fromHostId, m.action.hostId]);
    expect(sim.state.capacityViolations()).toEqual([]);
    const recorded = await all();
    expect(recorded.map((j) => j.hostId)).toEqual(hosts);
    const moved = recorded.filter((j) => j.hostId !== packed[0]!.hostId);
    for (const j of moved) expect(j.history.at(-1)).toMatchObject({ from: 'RUNNING', to: 'RUNNING', reason: expect.stringMatching(/^migrated from host small-\w to host small-\w to balance the cluster$/) });

    // The next tick leaves them as they are; a second plan finds nothing more to do.
    await app.tick();
    expect((await all()).map((j) => [j.state, j.hostId])).toEqual(hosts.map((h) => ['RUNNING', h]));
    expect((await app.optimize(true)).migrations).toEqual([]);
    expect(sim.state.jobOverlaps('placed')).toEqual([]);
  });

  it('follows a VM an operator migrated: the tick points its job at the new host', { timeout: 120_000 }, async () => {
    const app = await harness();
    const job = await app.jobs.submit(alice, { service: 'nrt-service', class: 'beff', vcpu: 1, memory: 512, args: ['600'] });
    await settle(async () => (await app.store.jobs.get(job.id))!.state === 'RUNNING', 'job running', app.tick);
    const running = (await app.store.jobs.get(job.id))!;
    const target = [0, 1, 2].find((h) => h !== running.hostId && sim.state.hosts().find((x) => x.id === h)!.runningVms === 0) ?? [0, 1, 2].find((h) => h !== running.hostId)!;

    await new XmlRpcOneClient({ endpoint: sim.url, session: 'oneadmin:opennebula' }).vmMigrate(running.vmId!, target, false, true, -1);
    await settle(async () => sim.state.vm(running.vmId!)!.lcmState === 'RUNNING', 'migration over');
    await app.tick();

    const followed = (await app.store.jobs.get(job.id))!;
    expect(followed).toMatchObject({ state: 'RUNNING', hostId: target });
    expect(followed.history.at(-1)).toMatchObject({ from: 'RUNNING', to: 'RUNNING', hostId: target, reason: expect.stringMatching(/^its VM now runs on host small-/) });
  });

  it('runs on schedule as the mode says: off does nothing; dry-run plans, moves nothing, and keeps the interval', { timeout: 60_000 }, async () => {
    const placements = () => sim.state.vms().map((v) => v.placements.length);
    const before = placements();

    expect(await (await harness({ mode: 'off' })).run({ scheduled: true })).toEqual({ skipped: 'off', applied: false, migrations: [] });
    const dry = await harness({ mode: 'dry-run', weights: { memory: 1 } });
    const first = await dry.run({ scheduled: true });
    const second = await dry.run({ scheduled: true });

    expect(first).toMatchObject({ applied: false, plan: { clusters: [{ clusterId: 0, policy: 'balance' }] } });
    expect(first.migrations.every((m) => m.outcome === 'planned')).toBe(true);
    expect(second).toEqual({ skipped: 'interval', applied: false, migrations: [] });
    expect(placements()).toEqual(before);
  });
});
