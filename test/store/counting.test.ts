import { describe, expect, it } from 'vitest';
import { documentClient, DynamoJobRepository } from '../../lib/store';
import { useDynamoLocal } from '../helpers/dynamo';
import { newJob } from './newJob';

const dynamo = useDynamoLocal();

describe('createCountingClient', () => {
  it('counts calls and capacity units per operation', async () => {
    // Prepare
    const tables = await dynamo.freshTables();
    const repo = new DynamoJobRepository(documentClient(dynamo.client), { tables, retentionDays: 7 });
    dynamo.counting.reset();

    // Act
    const { job } = await repo.create(newJob());
    await repo.get(job.id);
    await repo.transition(job.id, 'QUEUED', 'RUNNING', {}, { reason: 'started' });
    const counts = dynamo.counting.counts();

    // Assess
    expect(counts.calls).toBe(3);
    expect(counts.byOperation.PutItem).toMatchObject({ calls: 1 });
    expect(counts.byOperation.GetItem!.readUnits).toBeGreaterThan(0);
    expect(counts.byOperation.UpdateItem!.writeUnits).toBeGreaterThan(0);
    expect(counts.writeUnits).toBe(counts.byOperation.PutItem!.writeUnits + counts.byOperation.UpdateItem!.writeUnits);
  });

  it('shows that reading the queue costs the same however many jobs have finished', async () => {
    // Prepare
    const tables = await dynamo.freshTables();
    const repo = new DynamoJobRepository(documentClient(dynamo.client), { tables, retentionDays: 7 });
    for (let i = 0; i < 10; i++) await repo.create(newJob());
    const finish = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const { job } = await repo.create(newJob());
        await repo.transition(job.id, 'QUEUED', 'COMPLETED', { exitCode: 0 }, { reason: 'done' });
      }
    };
    const queueCost = async () => {
      dynamo.counting.reset();
      const queue = await repo.unfinished();
      return { jobs: queue.length, ...dynamo.counting.counts() };
    };

    // Act
    await finish(10);
    const few = await queueCost();
    await finish(200);
    const many = await queueCost();

    // Assess
    expect(many).toEqual(few);
    expect(few.jobs).toBe(10);
  });
});
