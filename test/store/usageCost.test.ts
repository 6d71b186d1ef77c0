/**
 * What a year of usage costs to read, on DynamoDB Local with every call counted: one Query per
 * month, the same however many jobs the days saw (the items are days × tenant × user × service).
 */
import { describe, expect, it } from 'vitest';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, DynamoUsageRepository } from '../../lib/store';
import { usageAddition } from '../../lib/store/usage';
import type { JobUsage } from '../../lib/domain/job';
import { useDynamoLocal } from '../helpers/dynamo';

const dynamo = useDynamoLocal();

/** A year of days (2029), each with `jobsADay` jobs of one user and service. */
async function yearOfUsage(jobsADay: number) {
  const tables = await dynamo.freshTables();
  const doc = documentClient(dynamo.client);
  const days = Array.from({ length: 365 }, (_, i) => new Date(Date.UTC(2029, 0, 1 + i)).toISOString().slice(0, 10));
  for (let i = 0; i < days.length; i += 25) {
    await Promise.all(days.slice(i, i + 25).map(async (day) => {
      for (let j = 0; j < jobsADay; j++) {
        const usage: JobUsage = {
          day, tenant: 'default', user: 'alice', service: 'svc', outcome: 'COMPLETED',
          vcpuSeconds: 10, memoryMbSeconds: 5120, wallSeconds: 5, preemptedSeconds: 0, lostSeconds: 0, waitSeconds: 1,
        };
        await doc.send(new UpdateCommand({ TableName: tables.usage, ...usageAddition(usage) }));
      }
    }));
  }
  return new DynamoUsageRepository(doc, tables);
}

describe('reading a year of usage', () => {
  it('costs one Query a month, whatever the number of jobs', { timeout: 300_000 }, async () => {
    const cost = async (jobsADay: number) => {
      const usage = await yearOfUsage(jobsADay);
      dynamo.counting.reset();
      const days = await usage.days({ from: '2029-01-01', to: '2029-12-31' });
      const mine = await usage.days({ from: '2029-01-01', to: '2029-12-31', user: 'alice' });
      return { days, mine, counts: dynamo.counting.counts() };
    };

    const one = await cost(1);
    const three = await cost(3);

    console.log(`a year of usage (365 day items): ${one.counts.calls} Queries, ${one.counts.readUnits} RCU (all users, then one user)`);
    expect(one.days).toHaveLength(365);
    expect(three.days.reduce((s, d) => s + d.jobs, 0)).toBe(3 * 365);
    expect(three.mine).toEqual(three.days);
    expect(one.counts.calls).toBe(2 * 12);
    expect(three.counts.calls).toBe(one.counts.calls);
    expect(three.counts.readUnits).toBe(one.counts.readUnits);
  });
});
