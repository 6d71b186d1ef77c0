/**
 * Usage accounting in the store, on DynamoDB Local: the final transition adds the job's usage
 * to its day's item in the same transaction, so it counts once however often the job is
 * finalised, and a range of days is read back by month partitions.
 */
import { describe, expect, it } from 'vitest';
import { documentClient, DynamoUsageRepository, JobStateConflictError } from '../../lib/store';
import { useDynamoLocal } from '../helpers/dynamo';
import { freshRepository, newJob } from './newJob';

const dynamo = useDynamoLocal();

/** A job submitted at 00:00:00, started at 00:00:10 on 2 vCPU / 1024 MB, left RUNNING. */
async function runningJob(env: Awaited<ReturnType<typeof freshRepository>>, overrides = {}) {
  const { repo, clock } = env;
  clock.now = new Date('2030-01-01T00:00:00.000Z');
  const { job } = await repo.create(newJob({ vcpu: 2, memory: 1024, ...overrides }));
  clock.now = new Date('2030-01-01T00:00:05.000Z');
  await repo.transition(job.id, 'QUEUED', 'DISPATCHING', { vmId: 7 }, { reason: 'dispatching' });
  clock.now = new Date('2030-01-01T00:00:10.000Z');
  await repo.transition(job.id, 'DISPATCHING', 'RUNNING', {}, { reason: 'running' });
  return job;
}

describe('usage accounting in the store', () => {
  it('records the usage on the job and adds it to its day, tenant, user and service', async () => {
    // Prepare
    const env = await freshRepository(dynamo);
    const job = await runningJob(env);
    env.clock.now = new Date('2030-01-01T00:01:40.000Z');

    // Act
    const done = await env.repo.transition(job.id, 'RUNNING', 'COMPLETED', { exitCode: 0 }, { reason: 'exit 0' });

    // Assess: 90 s run on 2 vCPU / 1024 MB, waited 10 s.
    expect(done.state).toBe('COMPLETED');
    expect(done.usage).toEqual({
      day: '2030-01-01', tenant: 'default', user: 'alice', service: 'example-service1', outcome: 'COMPLETED',
      vcpuSeconds: 180, memoryMbSeconds: 92_160, wallSeconds: 90, preemptedSeconds: 0, lostSeconds: 0, waitSeconds: 10,
    });
    const days = await new DynamoUsageRepository(documentClient(dynamo.client), env.tables).days({ from: '2030-01-01', to: '2030-01-01' });
    expect(days).toEqual([{
      day: '2030-01-01', tenant: 'default', user: 'alice', service: 'example-service1', jobs: 1,
      figures: { vcpuSeconds: 180, memoryMbSeconds: 92_160, wallSeconds: 90, preemptedSeconds: 0, lostSeconds: 0, waitSeconds: 10 },
      outcomes: { COMPLETED: 1 },
    }]);
  });

  it('counts a job once when it is finalised twice, or by two writers at once', async () => {
    // Prepare
    const env = await freshRepository(dynamo);
    const a = await runningJob(env);
    const b = await runningJob(env);
    env.clock.now = new Date('2030-01-01T00:00:20.000Z');

    // Act: a retried tick finalises a again; b is completed by its callback and cancelled at once.
    await env.repo.transition(a.id, 'RUNNING', 'FAILED', { exitCode: 3 }, { reason: 'exit 3' });
    const again = await env.repo.transition(a.id, 'RUNNING', 'FAILED', { exitCode: 3 }, { reason: 'exit 3' }).catch((e: unknown) => e);
    const raced = await Promise.allSettled([
      env.repo.transition(b.id, 'RUNNING', 'COMPLETED', { exitCode: 0 }, { reason: 'exit 0' }),
      env.repo.transition(b.id, ['RUNNING', 'QUEUED'], 'CANCELLED', {}, { reason: 'cancelled by alice' }),
    ]);

    // Assess
    expect(again).toBeInstanceOf(JobStateConflictError);
    expect(raced.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const won = (await env.repo.get(b.id))!.state;
    const days = await new DynamoUsageRepository(documentClient(dynamo.client), env.tables).days({ from: '2030-01-01', to: '2030-01-01' });
    expect(days).toHaveLength(1);
    expect(days[0]!.jobs).toBe(2);
    expect(days[0]!.outcomes).toEqual({ FAILED: 1, [won]: 1 });
    expect(days[0]!.figures.vcpuSeconds).toBe(2 * 10 + 2 * 10);
    expect((await env.repo.get(a.id))!.history.filter((e) => e.to === 'FAILED')).toHaveLength(1);
  });

  it('reads a range of days across months, and one user\'s days from their own index', async () => {
    // Prepare: one job ending on each of four days, two users, two tenants.
    const env = await freshRepository(dynamo);
    const ends = [['2030-01-30', 'alice', undefined], ['2030-01-31', 'bob', 'physics'], ['2030-02-01', 'alice', 'physics'], ['2030-03-01', 'alice', undefined]] as const;
    for (const [day, owner, tenant] of ends) {
      env.clock.now = new Date(`${day}T10:00:00.000Z`);
      const { job } = await env.repo.create(newJob({ owner, ...(tenant ? { tenant } : {}) } as never, env.clock.now.toISOString()));
      await env.repo.transition(job.id, 'QUEUED', 'CANCELLED', {}, { reason: 'cancelled' });
    }
    const usage = new DynamoUsageRepository(documentClient(dynamo.client), env.tables);

    // Act
    const all = await usage.days({ from: '2030-01-31', to: '2030-02-28' });
    const alice = await usage.days({ from: '2030-01-01', to: '2030-12-31', user: 'alice' });

    // Assess
    expect(all.map((d) => [d.day, d.user, d.tenant])).toEqual([['2030-01-31', 'bob', 'physics'], ['2030-02-01', 'alice', 'physics']]);
    expect(alice.map((d) => [d.day, d.tenant])).toEqual([['2030-01-30', 'default'], ['2030-02-01', 'physics'], ['2030-03-01', 'default']]);
    expect(alice.every((d) => d.outcomes.CANCELLED === 1 && d.figures.vcpuSeconds === 0)).toBe(true);
  });
});
