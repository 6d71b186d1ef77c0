/**
 * The tick carries the tenants' data: each job's tenant and user reach the planner, usage decays
 * and grows from one tick to the next through the store (an item on the leases table), and the
 * cluster view holds each tenant's summary, which GET /tenants shows as the caller may see it.
 * On DynamoDB Local and the simulator over XML-RPC, with local/svmsched.xml's tenants.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { useDynamoLocal } from '../helpers/dynamo';
import { FAST_TIMING, startSimulator, type Simulator } from '../../local/sim';
import { loadConfig, type SvmschedConfig } from '../../lib/config';
import { openStoreWith, type TableNames } from '../../lib/store';
import { cloudFrom } from '../../lib/app';
import { JobService } from '../../lib/jobs/service';
import { TenantService } from '../../lib/jobs/tenants';
import { runTick } from '../../lib/lifecycle/tick';
import { asClusterRecord } from '../../lib/lifecycle/clusterRecord';
import { toPlanInput } from '../../lib/lifecycle/planInput';

const dynamo = useDynamoLocal();
let sim: Simulator;
beforeAll(async () => { sim = await startSimulator({ timing: FAST_TIMING, bootScripts: false }); });
afterAll(async () => { await sim?.close(); });

const CONFIG = fileURLToPath(new URL('../../local/svmsched.xml', import.meta.url));
const carol = { user: 'carol', role: 'user' as const };
const admin = { user: 'root', role: 'admin' as const };

async function parts(names: TableNames, change: (c: SvmschedConfig) => SvmschedConfig = (c) => c) {
  const env = { SVMSCHED_ONE_PASSWORD: 'opennebula', ONE_XMLRPC: sim.url };
  const config = change(await loadConfig(CONFIG, env));
  const store = openStoreWith(dynamo.client, names, config);
  const { cloud } = cloudFrom(config, env);
  const jobs = new JobService({ repo: store.jobs, config, cloud, clock: Date.now, kick: async () => {} });
  let n = 0;
  const tick = () => runTick({ store: store.jobs, leases: store.leases, views: store.clusterViews, usage: store.tenantUsage, cloud, config, crash: () => {}, clock: Date.now, owner: `tick-${++n}` }, { budgetMs: 5_000, settleMs: 100 });
  return { config, store, cloud, jobs, tick, tenants: new TenantService({ config, views: store.clusterViews }) };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('tenant data through the tick', () => {
  it('gives the planner each job\'s tenant and user', async () => {
    const { jobs, store, config, cloud } = await parts(await dynamo.freshTables());
    const job = await jobs.submit(carol, { service: 'nrt-service', vcpu: 1, memory: 512, args: ['60'] });

    const input = toPlanInput(await store.jobs.unfinished(), await cloud.snapshot(), config, Date.now());

    expect(input.queue.find((q) => q.id === job.id)).toMatchObject({ tenant: 'acme', user: 'carol' });
  });

  it('keeps decayed usage between ticks, growing while the tenant runs, and records each tenant\'s summary', { timeout: 60_000 }, async () => {
    // Prepare
    const { jobs, store, tick, tenants } = await parts(await dynamo.freshTables());
    const job = await jobs.submit(carol, { service: 'nrt-service', vcpu: 2, memory: 1024, args: ['60'] });
    for (let i = 0; i < 20 && (await store.jobs.get(job.id))!.state !== 'RUNNING'; i++) await tick();
    expect((await store.jobs.get(job.id))!.state).toBe('RUNNING');

    // Act: two ticks a second apart while it runs
    await pause(1_000);
    await tick();
    const first = await store.tenantUsage.latest();
    await pause(1_000);
    await tick();
    const second = await store.tenantUsage.latest();

    // Assess
    expect(first!.usage.acme).toBeGreaterThan(0);
    expect(second!.usage.acme).toBeGreaterThan(first!.usage.acme!);
    expect(second!.at).toBeGreaterThan(first!.at);
    expect(second!.userUsage['acme/carol']).toBeCloseTo(second!.usage.acme!, 9);
    expect(second!.usage.beta).toBeUndefined();
    const record = asClusterRecord(await store.clusterViews.latest());
    expect(record!.tenants!.find((t) => t.id === 'acme')).toMatchObject({ share: 3, used: { vcpu: 2, memoryMb: 1024, runningJobs: 1 } });
    expect(record!.tenants!.find((t) => t.id === 'beta')).toMatchObject({ share: 1, used: { vcpu: 0, runningJobs: 0 }, limits: { vcpu: 64 } });
    expect((await tenants.list(carol)).tenants.map((t) => t.id)).toEqual(['acme']);
    expect((await tenants.list(admin)).tenants.map((t) => t.id)).toEqual(expect.arrayContaining(['acme', 'beta']));
    await jobs.cancel(admin, job.id);
  });

  it('without tenants in the file: no usage is kept, GET /tenants shows the one implicit tenant', { timeout: 30_000 }, async () => {
    const { jobs, store, tick, tenants } = await parts(await dynamo.freshTables(), (c) => ({ ...c, tenants: [] }));
    const before = await tenants.list(carol);
    const job = await jobs.submit(carol, { service: 'nrt-service', vcpu: 1, memory: 512, args: ['60'] });
    await tick();

    expect(job.tenant).toBe('default');
    expect(before).toEqual({ tenants: [{ id: 'default', share: 1 }] });
    expect(await store.tenantUsage.latest()).toBeUndefined();
    const after = await tenants.list(carol);
    expect(after.tenants).toEqual([expect.objectContaining({ id: 'default', share: 1, fraction: 1 })]);
    await jobs.cancel(admin, job.id);
  });

  it('a damaged usage record is read as none, not as a failure of every tick', async () => {
    const names = await dynamo.freshTables();
    const { store } = await parts(names);
    await store.tenantUsage.save({ usage: { acme: 5 }, userUsage: {}, at: 1 });
    expect(await store.tenantUsage.latest()).toEqual({ usage: { acme: 5 }, userUsage: {}, at: 1 });
    for (const record of ['not json', JSON.stringify({ usage: { acme: -1 }, userUsage: {}, at: 1 }), JSON.stringify({ usage: {}, at: 1 })]) {
      await dynamo.doc.send(new PutCommand({ TableName: names.leases, Item: { name: 'tenant-usage', record } }));
      expect(await store.tenantUsage.latest(), record).toBeUndefined();
    }
  });
});
