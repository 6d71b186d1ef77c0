import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { JobNotFoundError, JobStateConflictError, ProtectedFieldError, type JobPatch } from '../../lib/store';
import { useDynamoLocal } from '../helpers/dynamo';
import { freshRepository, newJob } from './newJob';

const dynamo = useDynamoLocal();

describe('DynamoJobRepository.transition', () => {
  it('moves the job, applies the patch and appends the event to its history', async () => {
    // Prepare
    const { repo, clock } = await freshRepository(dynamo);
    const { job } = await repo.create(newJob());
    clock.now = new Date('2030-01-01T00:00:05.000Z');

    // Act
    const moved = await repo.transition(job.id, 'QUEUED', 'DISPATCHING', { vmId: 42, hostId: 3, hostName: 'host03', attempts: 1 }, { reason: 'deploying on host03', hostId: 3, vmId: 42 });

    // Assess
    expect(moved).toMatchObject({ state: 'DISPATCHING', vmId: 42, hostId: 3, hostName: 'host03', attempts: 1, updatedAt: '2030-01-01T00:00:05.000Z' });
    expect(moved.history).toEqual([
      { at: '2030-01-01T00:00:00.000Z', to: 'QUEUED', reason: 'submitted' },
      { at: '2030-01-01T00:00:05.000Z', from: 'QUEUED', to: 'DISPATCHING', reason: 'deploying on host03', hostId: 3, vmId: 42 },
    ]);
    expect(await repo.get(job.id)).toEqual(moved);
  });

  it('refuses a job in another state with JobStateConflictError naming the state found, and changes nothing', async () => {
    // Prepare
    const { repo } = await freshRepository(dynamo);
    const { job } = await repo.create(newJob());

    // Act
    const attempt = repo.transition(job.id, 'RUNNING', 'COMPLETED', { exitCode: 0 }, { reason: 'done' });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(JobStateConflictError);
    await expect(attempt).rejects.toMatchObject({ jobId: job.id, expected: ['RUNNING'], actual: 'QUEUED' });
    expect(await repo.get(job.id)).toMatchObject({ state: 'QUEUED', history: [expect.objectContaining({ to: 'QUEUED' })] });
  });

  it('lets exactly one of two concurrent writers win', async () => {
    // Prepare
    const { repo } = await freshRepository(dynamo);
    const { job } = await repo.create(newJob());

    // Act
    const results = await Promise.allSettled([
      repo.transition(job.id, 'QUEUED', 'DISPATCHING', { hostId: 1 }, { reason: 'tick A' }),
      repo.transition(job.id, 'QUEUED', 'CANCELLED', {}, { reason: 'cancelled by alice' }),
    ]);

    // Assess
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(JobStateConflictError);
    const final = await repo.get(job.id);
    expect(final!.history).toHaveLength(2);
    expect(lost[0]!.reason.actual).toBe(final!.state);
  });

  it('lets one of many concurrent writers win, whatever their number', async () => {
    // Prepare
    const { repo } = await freshRepository(dynamo);
    const { job } = await repo.create(newJob());

    // Act
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) =>
      repo.transition(job.id, 'QUEUED', 'DISPATCHING', { hostId: i }, { reason: `writer ${i}` })));

    // Assess
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await repo.get(job.id))!.history).toHaveLength(2);
  });

  it('accepts any of several expected states and records the one it came from', async () => {
    // Prepare
    const { repo } = await freshRepository(dynamo);
    const { job } = await repo.create(newJob());
    await repo.transition(job.id, 'QUEUED', 'DISPATCHING', {}, { reason: 'deploy' });

    // Act
    const cancelled = await repo.transition(job.id, ['QUEUED', 'DISPATCHING', 'RUNNING'], 'CANCELLED', { reason: 'cancelled by alice' }, { reason: 'cancelled by alice' });

    // Assess
    expect(cancelled.state).toBe('CANCELLED');
    expect(cancelled.history.at(-1)).toMatchObject({ from: 'DISPATCHING', to: 'CANCELLED' });
  });

  it('refuses a missing job with JobNotFoundError', async () => {
    // Prepare
    const { repo } = await freshRepository(dynamo);

    // Act
    const [single, several] = await Promise.allSettled([
      repo.transition('no-such-job', 'QUEUED', 'DISPATCHING', {}, { reason: 'x' }),
      repo.transition('no-such-job', ['QUEUED', 'RUNNING'], 'CANCELLED', {}, { reason: 'x' }),
    ]);

    // Assess
    expect(single).toMatchObject({ status: 'rejected', reason: expect.any(JobNotFoundError) });
    expect(several).toMatchObject({ status: 'rejected', reason: expect.any(JobNotFoundError) });
  });

  it('removes the fields listed in clear (or patched with null) and leaves undefined ones alone', async () => {
    // Prepare
    const { repo } = await freshRepository(dynamo);
    const { job } = await repo.create(newJob());
    await repo.transition(job.id, 'QUEUED', 'DISPATCHING', { vmId: 7, hostId: 2, datastoreId: 0, runningSince: '2030-01-01T00:00:01.000Z' }, { reason: 'deploy' });

    // Act
    const requeued = await repo.transition(job.id, 'DISPATCHING', 'QUEUED',
      { vmId: null, hostId: undefined, excludedHosts: [2], clear: ['runningSince', 'datastoreId'] }, { reason: 'boot failed on host 2' });

    // Assess
    expect(requeued).not.toHaveProperty('vmId');
    expect(requeued).not.toHaveProperty('runningSince');
    expect(requeued).not.toHaveProperty('datastoreId');
    expect(requeued.hostId).toBe(2);
    expect(requeued.excludedHosts).toEqual([2]);
  });

  it('refuses to patch the fields the store maintains', async () => {
    // Prepare
    const { repo } = await freshRepository(dynamo);
    const { job } = await repo.create(newJob());

    // Act
    const attempts = await Promise.allSettled([
      repo.transition(job.id, 'QUEUED', 'DISPATCHING', { state: 'RUNNING' } as unknown as JobPatch, { reason: 'x' }),
      repo.patch(job.id, 'QUEUED', { queueKey: 'x' } as unknown as JobPatch),
      repo.patch(job.id, 'QUEUED', { clear: ['history'] } as unknown as JobPatch),
    ]);

    // Assess
    for (const attempt of attempts) expect(attempt).toMatchObject({ status: 'rejected', reason: expect.any(ProtectedFieldError) });
    expect((await repo.get(job.id))!.state).toBe('QUEUED');
  });

  it('sets the TTL attribute on a final state, after the configured retention', async () => {
    // Prepare
    const { repo, tables, clock } = await freshRepository(dynamo, 3);
    const { job } = await repo.create(newJob());
    clock.now = new Date('2030-01-02T00:00:00.000Z');

    // Act
    await repo.transition(job.id, 'QUEUED', 'CANCELLED', {}, { reason: 'cancelled' });

    // Assess
    const { Item } = await dynamo.doc.send(new GetCommand({ TableName: tables.jobs, Key: { id: job.id } }));
    expect(Item!.expiresAt).toBe(Date.parse('2030-01-05T00:00:00.000Z') / 1000);
    expect(Item!.queueKey).toBeUndefined();
  });

  it('updates fields without a transition or a history entry', async () => {
    // Prepare
    const { repo } = await freshRepository(dynamo);
    const { job } = await repo.create(newJob());

    // Act
    const waiting = await repo.patch(job.id, 'QUEUED', { reason: '0 of 3 hosts match HYPERVISOR = xen' });
    const [late] = await Promise.allSettled([repo.patch(job.id, 'RUNNING', { reason: 'x' })]);

    // Assess
    expect(waiting).toMatchObject({ state: 'QUEUED', reason: '0 of 3 hosts match HYPERVISOR = xen' });
    expect(waiting.history).toHaveLength(1);
    expect(late).toMatchObject({ status: 'rejected', reason: expect.any(JobStateConflictError) });
  });
});
