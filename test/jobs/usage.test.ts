/**
 * Usage accounting end to end in process: real jobs on DynamoDB Local and the simulator over
 * XML-RPC, finished by their callbacks, by a cancel and by a retried completion; GET /usage's
 * figures checked against the jobs' own histories; users see their own usage only; a bad query
 * is a 400 naming the field.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDynamoLocal } from '../helpers/dynamo';
import { inProcess, tickUntil, type InProcess } from '../helpers/inProcess';
import { FAST_TIMING, startSimulator, type Simulator } from '../../local/sim';
import { UsageService, type UsageRequest } from '../../lib/jobs/usage';
import { validate } from '../../lib/http/validation';
import { HttpError } from '../../lib/http/errors';
import { asHttpError } from '../../lib/http/middleware';
import type { Job } from '../../lib/domain/job';
import schema from '../../schemas/usageQuery.json';

const dynamo = useDynamoLocal();
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ timing: FAST_TIMING, bootScripts: false, fixture: path.resolve(__dirname, '../fixtures/stack/two-hosts.json') });
});
afterAll(async () => { await sim?.close(); });

const alice = { user: 'alice', role: 'user' as const };
const bob = { user: 'bob', role: 'user' as const };
const admin = { user: 'root', role: 'admin' as const };

/** Seconds between two ISO times. */
const between = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 1000;

/** What a finished job ran, read from its history as a person would: RUNNING entered and left. */
function ranFor(job: Job): number {
  let total = 0;
  job.history.forEach((e, i) => {
    if (e.to === 'RUNNING' && job.history[i + 1]) total += between(e.at, job.history[i + 1]!.at);
  });
  return total;
}

/** GET /usage as the handler answers it: the query validated against its schema, then the report. */
async function getUsage(usage: UsageService, caller: typeof alice | typeof admin, query: Record<string, string>) {
  try {
    return await usage.report(caller, validate<UsageRequest>(schema, query, 'query'));
  } catch (err) {
    const answer = asHttpError(err);
    if (answer instanceof HttpError) return { status: answer.statusCode, field: answer.field, message: answer.message };
    throw err;
  }
}

async function runToEnd(app: InProcess, caller: typeof alice, exitCode: number, vcpu: number): Promise<Job> {
  const job = await app.jobs.submit(caller, { service: 'nrt-service', args: ['600'], vcpu, memory: 512 });
  const running = await tickUntil(app, job.id, ['RUNNING']);
  const token = await app.vmToken(running);
  await app.jobs.complete(job.id, { token, exitCode });
  // The VM's retried callback, once the job has ended: counted once all the same.
  await app.jobs.complete(job.id, { token, exitCode });
  return (await app.store.jobs.get(job.id))!;
}

describe('GET /usage', () => {
  let app: InProcess;
  let usage: UsageService;
  let jobs: Job[];
  beforeAll(async () => {
    app = await inProcess(dynamo.client, await dynamo.freshTables(), sim.url);
    usage = new UsageService({ usage: app.store.usage, clock: Date.now });
    const a1 = await runToEnd(app, alice, 0, 1);
    const a2 = await runToEnd(app, alice, 4, 2);
    const b1 = await runToEnd(app, bob, 0, 1);
    const queued = await app.jobs.submit(bob, { service: 'nrt-service', args: ['600'], vcpu: 1, memory: 512 });
    await app.jobs.cancel(bob, queued.id).catch(async () => app.jobs.cancel(bob, queued.id));
    jobs = [a1, a2, b1, (await app.store.jobs.get(queued.id))!];
  }, 180_000);

  it('sums the jobs\' own histories, by user, once each', async () => {
    const today = new Date().toISOString().slice(0, 10);

    const report = await getUsage(usage, admin, { from: today, to: today, by: 'user' });

    expect(report).toMatchObject({ from: today, to: today, by: 'user' });
    const rows = (report as { rows: Array<Record<string, any>> }).rows;
    expect(rows.map((r) => r.key).sort()).toEqual(['alice', 'bob']);
    for (const user of ['alice', 'bob']) {
      const mine = jobs.filter((j) => j.owner === user);
      const row = rows.find((r) => r.key === user)!;
      expect(row.jobs).toBe(mine.length);
      expect(row.vcpuSeconds).toBeCloseTo(mine.reduce((s, j) => s + j.vcpu * ranFor(j), 0), 2);
      expect(row.memoryMbSeconds).toBeCloseTo(mine.reduce((s, j) => s + j.memory * ranFor(j), 0), 0);
      const firstRun = (j: Job) => j.history.find((e) => e.to === 'RUNNING')?.at;
      expect(row.waitSeconds).toBeCloseTo(mine.reduce((s, j) => s + between(j.createdAt, firstRun(j) ?? j.history.at(-1)!.at), 0), 2);
      expect(row.wallSeconds).toBeCloseTo(mine.reduce((s, j) => s + (firstRun(j) ? between(firstRun(j)!, j.history.at(-1)!.at) : 0), 0), 2);
      expect(row.preemptedSeconds).toBe(0);
      expect(row.lostSeconds).toBe(0);
      // The lifecycle counts run time on its own (runSeconds, from the deploy, for the lifetime):
      // the time in RUNNING lies within it.
      expect(row.vcpuSeconds).toBeLessThanOrEqual(mine.reduce((s, j) => s + j.vcpu * (j.runSeconds ?? 0), 0) + 0.1);
    }
    expect(rows.find((r) => r.key === 'alice')!.outcomes).toEqual({ COMPLETED: 1, FAILED: 1 });
    expect(rows.find((r) => r.key === 'bob')!.outcomes).toEqual({ COMPLETED: 1, CANCELLED: 1 });
  });

  it('shows a user their own usage only, whatever they ask', async () => {
    const report = await getUsage(usage, alice, { by: 'service', user: 'bob' });

    const rows = (report as { rows: Array<Record<string, any>> }).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ key: 'nrt-service', jobs: 2 });
    const byTenant = await getUsage(usage, admin, {});
    expect((byTenant as { rows: Array<Record<string, any>> }).rows).toMatchObject([{ key: 'default', jobs: 4 }]);
  });

  it('refuses a bad from, to or by with 400 naming the field', async () => {
    expect(await getUsage(usage, alice, { from: '2026-02-30' })).toMatchObject({ status: 400, field: 'from' });
    expect(await getUsage(usage, alice, { to: 'yesterday' })).toMatchObject({ status: 400, field: 'to' });
    expect(await getUsage(usage, alice, { by: 'account' })).toMatchObject({ status: 400, field: 'by' });
    expect(await getUsage(usage, alice, { from: '2026-03-02', to: '2026-03-01' })).toMatchObject({ status: 400, field: 'to' });
    expect(await getUsage(usage, alice, { from: '2024-01-01', to: '2025-12-31' })).toMatchObject({ status: 400, field: 'to' });
    expect(await getUsage(usage, alice, { month: '2026-03' })).toMatchObject({ status: 400, field: 'month' });
  });
});
