/**
 * DynamoDB capacity of one submit, measured with lib/store/counting on the stack's own DynamoDB
 * (fresh tables, so the HTTP run is not disturbed) through the same JobService the function runs.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../lib/config';
import { JobService, type SubmitRequest } from '../../lib/jobs/service';
import type { Cloud } from '../../lib/lifecycle/ports';
import { createCountingClient, createTables, localClientConfig, openStoreWith, tableNames, type CapacityCounts } from '../../lib/store';
import { ONE_PASSWORD } from '../../local/stack';
import type { Stack } from '../helpers/stack';

export interface Cost {
  readonly calls: number;
  readonly readUnits: number;
  readonly writeUnits: number;
  /** e.g. "TransactWriteItems×1" */
  readonly ops: string;
}

const costOf = (c: CapacityCounts): Cost => ({
  calls: c.calls, readUnits: c.readUnits, writeUnits: c.writeUnits,
  ops: Object.entries(c.byOperation).map(([op, n]) => `${op}×${n.calls}${n.failures ? ` (${n.failures} failed)` : ''}`).join(', '),
});

export async function measureSubmitWrites(stack: Pick<Stack, 'dynamoEndpoint' | 'configPath'>, request: SubmitRequest = { service: 'example-service1', args: ['/data/repository/file.dat'], requirements: 'NAME = "no-such-host"', waitForHost: true }) {
  const counting = createCountingClient(localClientConfig(stack.dynamoEndpoint));
  try {
    const names = tableNames(`cost${randomBytes(4).toString('hex')}`);
    await createTables(counting.client, names);
    const config = await loadConfig(stack.configPath, { ...process.env, SVMSCHED_ONE_PASSWORD: ONE_PASSWORD });
    const store = openStoreWith(counting.client, names, config);
    const jobs = new JobService({ repo: store.jobs, config, cloud: {} as Cloud, clock: Date.now, kick: async () => {} });
    const caller = { user: 'alice', role: 'user' } as const;
    const measure = async (act: () => Promise<unknown>): Promise<Cost> => {
      counting.reset();
      await act();
      return costOf(counting.counts());
    };
    let id = '';
    const created = await measure(async () => { id = (await jobs.submit(caller, request, 'cost-key')).id; });
    return {
      created,
      replayed: await measure(() => jobs.submit(caller, request, 'cost-key')),
      keyless: await measure(() => jobs.submit(caller, request)),
      // What the tick writes once on a job that waits: why it waits.
      reason: await measure(() => store.jobs.patch(id, 'QUEUED', { reason: '0 of 6 hosts match NAME = "no-such-host"; change the requirements or the hosts.' })),
    };
  } finally {
    counting.client.destroy();
  }
}
