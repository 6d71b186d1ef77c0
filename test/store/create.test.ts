import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { IdempotencyKeyReusedError } from '../../lib/store';
import { useDynamoLocal } from '../helpers/dynamo';
import { freshRepository, newJob } from './newJob';

const dynamo = useDynamoLocal();

describe('DynamoJobRepository.create', () => {
  it('creates a QUEUED job with its submission in its history', async () => {
    // Prepare
    const { repo } = await freshRepository(dynamo);

    // Act
    const { job, created } = await repo.create(newJob({ lifetime: 60, requirements: 'HYPERVISOR = "kvm"' }));

    // Assess
    expect(created).toBe(true);
    expect(job).toMatchObject({ state: 'QUEUED', owner: 'alice', lifetime: 60, requirements: 'HYPERVISOR = "kvm"', attempts: 0, preemptions: 0, excludedHosts: [] });
    expect(job.history).toEqual([{ at: job.createdAt, to: 'QUEUED', reason: 'submitted' }]);
    expect(await repo.get(job.id)).toEqual(JSON.parse(JSON.stringify(job)));
  });

  it('returns the same job for the same idempotency key and owner', async () => {
    // Prepare
    const { repo } = await freshRepository(dynamo);
    const first = await repo.create(newJob({ idempotencyKey: 'key-1' }));

    // Act
    const second = await repo.create(newJob({ idempotencyKey: 'key-1' }));

    // Assess
    expect(second.created).toBe(false);
    expect(second.job.id).toBe(first.job.id);
    expect(second.callbackToken).toBeUndefined();
  });

  it('creates one job for many concurrent requests with the same key', async () => {
    // Prepare
    const { repo, tables } = await freshRepository(dynamo);

    // Act
    const results = await Promise.all(Array.from({ length: 10 }, () => repo.create(newJob({ idempotencyKey: 'retry-me' }))));

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
    const alice = await repo.create(newJob({ owner: 'alice', idempotencyKey: 'same' }));
    const bob = await repo.create(newJob({ owner: 'bob', idempotencyKey: 'same' }));

    // Assess
    expect(bob.created).toBe(true);
    expect(bob.job.id).not.toBe(alice.job.id);
  });

  it('refuses a reused key with a different request', async () => {
    // Prepare
    const { repo } = await freshRepository(dynamo);
    await repo.create(newJob({ idempotencyKey: 'k', vcpu: 1 }));

    // Act
    const attempt = repo.create(newJob({ idempotencyKey: 'k', vcpu: 2 }));

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });
});

describe('callback tokens', () => {
  it('stores only the hash of the token returned at creation, and verifies it', async () => {
    // Prepare
    const { repo, tables } = await freshRepository(dynamo);
    const { job, callbackToken } = await repo.create(newJob());

    // Act
    const { Item } = await dynamo.doc.send(new GetCommand({ TableName: tables.jobs, Key: { id: job.id } }));
    const good = await repo.verifyCallbackToken(job.id, callbackToken!);
    const bad = await repo.verifyCallbackToken(job.id, `${callbackToken}x`);

    // Assess
    expect(JSON.stringify(Item)).not.toContain(callbackToken);
    expect(Item!.callbackTokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(good).toBe(true);
    expect(bad).toBe(false);
    expect(job).not.toHaveProperty('callbackTokenHash');
  });

  it('is useless for another job', async () => {
    // Prepare
    const { repo } = await freshRepository(dynamo);
    const mine = await repo.create(newJob());
    const other = await repo.create(newJob());

    // Act
    const crossed = await repo.verifyCallbackToken(other.job.id, mine.callbackToken!);
    const missing = await repo.verifyCallbackToken('no-such-job', mine.callbackToken!);
    const empty = await repo.verifyCallbackToken(mine.job.id, '');

    // Assess
    expect([crossed, missing, empty]).toEqual([false, false, false]);
  });

  it('replaces the token when a new one is issued, conditional on the state', async () => {
    // Prepare
    const { repo } = await freshRepository(dynamo);
    const { job, callbackToken } = await repo.create(newJob());

    // Act
    const issued = await repo.issueCallbackToken(job.id, 'QUEUED');

    // Assess
    expect(await repo.verifyCallbackToken(job.id, issued)).toBe(true);
    expect(await repo.verifyCallbackToken(job.id, callbackToken!)).toBe(false);
    await expect(repo.issueCallbackToken(job.id, 'RUNNING')).rejects.toMatchObject({ name: 'JobStateConflictError' });
  });
});
