import { documentClient, DynamoJobRepository, type CreateJobRequest, type TableNames } from '../../lib/store';
import type { DynamoFixture } from '../helpers/dynamo';

export function newJob(overrides: Partial<CreateJobRequest> = {}): CreateJobRequest {
  return {
    owner: 'alice',
    service: 'example-service1',
    class: 'beff',
    priority: 0,
    vcpu: 1,
    memory: 512,
    args: ['/data/repository/file.dat'],
    preemptMode: 'stop',
    ...overrides,
  };
}

/** A repository on fresh tables; `now` can be moved by the test. */
export async function freshRepository(dynamo: DynamoFixture, retentionDays = 7) {
  const tables: TableNames = await dynamo.freshTables();
  const clock = { now: new Date('2030-01-01T00:00:00.000Z') };
  const repo = new DynamoJobRepository(documentClient(dynamo.client), { tables, retentionDays, now: () => clock.now });
  return { repo, tables, clock };
}
