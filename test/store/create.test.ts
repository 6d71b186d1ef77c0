import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { IdempotencyKeyReusedError } from '../../lib/store';
import { useDynamoLocal } from '../helpers/dynamo';
import { freshRepository, newJob } from './newJob';

const dynamo = useDynamoLocal();

describe('DynamoJobRepository.create', () => {
  it('writes the job as given and reads it back', async () => {
    // Prepare
    const { repo } = await freshRepository(dynamo);
    const job = newJob({ lifetime: 60, requirements: 'HYPERVISOR = "kvm"', runSeconds: 0 });

    // Act
    const { job: stored, created } = await repo.create(job);

    // Assess
    expect(created).toBe(true);
    expect(stored).toEqual(job);
    expect(await repo.get(job.id)).toEqual(job);
  });

  it('returns the first job for the same idempotency key and owner, and writes nothing', async () => {
    // Prepare
    const { repo } = await freshRepository(dynamo);
    const first = await repo.create(newJob(), 'key-1');
    const retry = newJob();

    // Act
    const second = await repo.create(retry, 'key-1');

    // Assess
    expect(second).toEqual({ job: first.job, created: false });
    expect(await repo.get(retry.id)).toBeUndefined();
  });

  it('creates one job for many concurrent requests with the same key', async () => {
    // Prepare
    const { repo, tables } = await freshRepository(dynamo);

    // Act
    const results = await Promise.all(Array.from({ length: 10 }, () => repo.create(newJob(), 'retry-me')));

    // Assess
    expect(new Set(results.map((r) => r.job.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const { Items } = await dynamo.doc.send(new QueryCommand({
      TableName: tables.jobs, IndexName: 'byOwner', KeyConditionExpression: '#o = :o',
      ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':o': 'alice' },
    }));
    expect(Items).toHaveLength(1);
  });

  it('keeps keys apart per owner', async () => {
    // Prepare
    const { repo } = await freshRepository(dynamo);

    // Act
    const alice = await repo.create(newJob({ owner: 'alice' }), 'same');
    const bob = await repo.create(newJob({ owner: 'bob' }), 'same');

    // Assess
    expect(bob.created).toBe(true);
    expect(bob.job.id).not.toBe(alice.job.id);
  });

  it('refuses a reused key with a different request', async () => {
    // Prepare
    const { repo } = await freshRepository(dynamo);
    await repo.create(newJob({ vcpu: 1 }), 'k');

    // Act
    const attempt = repo.create(newJob({ vcpu: 2 }), 'k');

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });
});

describe('callback tokens', () => {
  const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

  it('keeps the hash a transition stores, out of the job, and verifies the token against it', async () => {
    // Prepare
    const { repo, tables } = await freshRepository(dynamo);
    const { job } = await repo.create(newJob());
    const token = 'a-random-token-given-to-the-vm';

    // Act
    const moved = await repo.transition(job.id, 'QUEUED', 'DISPATCHING', { callbackTokenHash: sha256(token) }, { reason: 'deploy' });
    const { Item } = await dynamo.doc.send(new GetCommand({ TableName: tables.jobs, Key: { id: job.id } }));

    // Assess
    expect(moved).not.toHaveProperty('callbackTokenHash');
    expect(JSON.stringify(Item)).not.toContain(token);
    expect(await repo.callbackHash(job.id)).toBe(sha256(token));
    expect(await repo.verifyCallbackToken(job.id, token)).toBe(true);
    expect(await repo.verifyCallbackToken(job.id, `${token}x`)).toBe(false);
  });

  it('goes with the VM: taking the job\'s VM away retires its token, a new VM brings a new one', async () => {
    // Prepare
    const { repo } = await freshRepository(dynamo);
    const { job } = await repo.create(newJob());
    await repo.transition(job.id, 'QUEUED', 'DISPATCHING', { callbackTokenHash: sha256('first-vm') }, { reason: 'deploy' });
    await repo.patch(job.id, 'DISPATCHING', { vmId: 7 });
    const before = await repo.jobForCallback(job.id, 'first-vm');

    // Act
    await repo.transition(job.id, 'DISPATCHING', 'QUEUED', { clear: ['vmId'] }, { reason: 'the VM failed; retrying elsewhere' });
    const afterRequeue = await repo.jobForCallback(job.id, 'first-vm');
    await repo.transition(job.id, 'QUEUED', 'DISPATCHING', { callbackTokenHash: sha256('second-vm') }, { reason: 'deploy' });
    await repo.patch(job.id, 'DISPATCHING', { vmId: 8 });

    // Assess
    expect(before).toMatchObject({ id: job.id, vmId: 7, state: 'DISPATCHING' });
    expect(before).not.toHaveProperty('callbackTokenHash');
    expect(afterRequeue).toBeUndefined();
    expect(await repo.jobForCallback(job.id, 'first-vm')).toBeUndefined();
    expect(await repo.jobForCallback(job.id, 'second-vm')).toMatchObject({ vmId: 8 });
  });

  it('is useless for another job, and nothing matches a job without one', async () => {
    // Prepare
    const { repo } = await freshRepository(dynamo);
    const { job: mine } = await repo.create(newJob());
    const { job: other } = await repo.create(newJob());
    await repo.patch(mine.id, 'QUEUED', { callbackTokenHash: sha256('mine') });

    // Act
    const results = await Promise.all([
      repo.verifyCallbackToken(other.id, 'mine'),
      repo.verifyCallbackToken('no-such-job', 'mine'),
      repo.verifyCallbackToken(mine.id, ''),
    ]);

    // Assess
    expect(results).toEqual([false, false, false]);
    expect(await repo.callbackHash(other.id)).toBeUndefined();
  });
});
