/**
 * GET /cluster from the tick's last view: after a tick, the answer comes from DynamoDB (it
 * holds with OpenNebula gone) with its age; before any tick it is a live snapshot, and with
 * OpenNebula down then, 503 with a message that says so. On DynamoDB Local and the simulator.
 */
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { useDynamoLocal } from '../helpers/dynamo';
import { FAST_TIMING, startSimulator, type Simulator } from '../../local/sim';
import { loadConfig } from '../../lib/config';
import { DynamoClusterViewRepository, openStoreWith } from '../../lib/store';
import { cloudFrom } from '../../lib/app';
import { JobService } from '../../lib/jobs/service';
import { runTick } from '../../lib/lifecycle/tick';
import { httpHandler } from '../../lib/http/handler';
import { json } from '../../lib/http/respond';

const dynamo = useDynamoLocal();
const CONFIG = fileURLToPath(new URL('../../local/svmsched.xml', import.meta.url));
const alice = { user: 'alice', role: 'user' as const };
const bob = { user: 'bob', role: 'user' as const };
let sim: Simulator | undefined;
afterEach(async () => { await sim?.close(); sim = undefined; });

async function setUp() {
  sim = await startSimulator({ timing: FAST_TIMING, bootScripts: false });
  const env = { SVMSCHED_ONE_PASSWORD: 'opennebula', ONE_XMLRPC: sim.url, SVMSCHED_ONE_TIMEOUT_MS: '3000' };
  const config = await loadConfig(CONFIG, env);
  const store = openStoreWith(dynamo.client, await dynamo.freshTables(), config);
  const { cloud } = cloudFrom(config, env);
  const clock = () => Date.now();
  const jobs = new JobService({ repo: store.jobs, config, cloud, clock, kick: async () => {}, views: store.clusterViews });
  const tick = () => runTick({ store: store.jobs, leases: store.leases, kicks: store.kicks, views: store.clusterViews, cloud, config, crash: () => {}, clock, owner: 'tick' }, { budgetMs: 20_000, settleMs: 50 });
  return { jobs, store, tick, sim };
}

/** GET /cluster through the same middy stack as functions/getCluster. */
function getCluster(jobs: JobService) {
  const handler = httpHandler(async (req) => json(200, await jobs.cluster(req.caller)));
  const event = { httpMethod: 'GET', path: '/cluster', headers: {}, body: null, requestContext: { authorizer: { user: 'alice', role: 'user' } } } as unknown as APIGatewayProxyEvent;
  return handler(event, {} as never);
}

describe('GET /cluster', () => {
  it('after a tick answers from the view the tick recorded, with its age, even with OpenNebula gone', { timeout: 60_000 }, async () => {
    // Prepare
    const { jobs, tick, sim: s } = await setUp();
    const job = await jobs.submit(alice, { service: 'nrt-service', args: ['1'] });
    const before = Date.now();
    await tick();
    const running = await jobs.get(alice, job.id);
    await s.close();

    // Act
    const mine = await jobs.cluster(alice);
    const theirs = await jobs.cluster(bob);

    // Assess
    expect(running.state).toBe('RUNNING');
    expect(mine.hosts.length).toBeGreaterThan(0);
    expect(Date.parse(mine.observedAt)).toBeGreaterThanOrEqual(before);
    expect(mine.ageSeconds).toBeGreaterThanOrEqual(0);
    const host = mine.hosts.find((h) => h.id === running.hostId)!;
    expect(host.jobs).toContainEqual(expect.objectContaining({ jobId: job.id, vmId: running.vmId, owner: 'alice', state: 'RUNNING' }));
    expect(host.cpu.used).toBeGreaterThan(0);
    expect(mine.summary.running).toBe(1);
    // another user sees the VM, not whose job it is
    expect(theirs.hosts.find((h) => h.id === running.hostId)!.jobs).toEqual([{ vmId: running.vmId, class: 'beff' }]);
  });

  it('before any tick takes a snapshot itself', { timeout: 60_000 }, async () => {
    // Prepare
    const { jobs } = await setUp();

    // Act
    const view = await jobs.cluster(alice);

    // Assess
    expect(view.hosts.length).toBeGreaterThan(0);
    expect(view.ageSeconds).toBe(0);
  });

  it('answers 503 with a clear message while OpenNebula is down and no tick has recorded a view', { timeout: 60_000 }, async () => {
    // Prepare
    const { jobs, sim: s } = await setUp();
    await s.close();

    // Act
    const res = await getCluster(jobs);

    // Assess
    expect(res.statusCode).toBe(503);
    const body = JSON.parse(res.body);
    expect(body.error.code).toBe('unavailable');
    expect(body.error.message).toMatch(/OpenNebula is unreachable.*try again/);
    expect(res.body).not.toContain('127.0.0.1');
  });
});

describe('DynamoClusterViewRepository', () => {
  it('keeps a view larger than one item in compressed parts, and reads back the latest whole', async () => {
    // Prepare: parts of 2 KB, and a view that does not compress to one
    const { leases } = await dynamo.freshTables();
    const repo = new DynamoClusterViewRepository(dynamo.doc, leases, 2_000);
    const big = { hosts: Array.from({ length: 400 }, (_, i) => ({ id: i, name: `host-${i}-${(i * 7919).toString(36)}`, cpu: i * 1.5 })) };
    const newer = { ...big, hosts: big.hosts.slice(0, 50) };

    // Act
    const headParts = async () => (await dynamo.doc.send(new GetCommand({ TableName: leases, Key: { name: 'cluster-view' } }))).Item!.parts;
    const none = await repo.latest();
    await repo.save(big);
    const first = await repo.latest();
    const firstParts = await headParts();
    await repo.save(newer);
    const second = await repo.latest();

    // Assess
    expect(none).toBeUndefined();
    expect(first).toEqual(big);
    expect(second).toEqual(newer);
    expect(firstParts).toBeGreaterThan(1);
    expect(await headParts()).toBe(1);
  });
});
