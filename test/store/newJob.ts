import { randomUUID } from 'node:crypto';
import type { Job } from '../../lib/domain/job';
import { documentClient, DynamoJobRepository, type TableNames } from '../../lib/store';
import type { DynamoFixture } from '../helpers/dynamo';

/** A job as the job service submits it, at `at`. */
export function newJob(overrides: Partial<Job> = {}, at = '2030-01-01T00:00:00.000Z'): Job {
  return {
    id: randomUUID(),
    owner: 'alice',
    service: 'example-service1',
    class: 'beff',
    priority: 0,
    vcpu: 1,
    memory: 512,
    args: ['/data/repository/file.dat'],
    preemptMode: 'stop',
    state: 'QUEUED',
    createdAt: at,
    updatedAt: at,
    attempts: 0,
    excludedHosts: [],
    preemptions: 0,
    history: [{ at, to: 'QUEUED', reason: 'submitted' }],
    ...overrides,
  };
}

/** A repository on fresh tables; the test moves `clock.now`. */
export async function freshRepository(dynamo: DynamoFixture, retentionDays = 7) {
  const tables: TableNames = await dynamo.freshTables();
  const clock = { now: new Date('2030-01-01T00:00:00.000Z') };
  const repo = new DynamoJobRepository(documentClient(dynamo.client), { tables, retentionDays, now: () => clock.now });
  return { repo, tables, clock };
}
