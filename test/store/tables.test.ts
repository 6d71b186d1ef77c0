import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createTables, readTableDeclarations } from '../../lib/store';
import { useDynamoLocal } from '../helpers/dynamo';

const dynamo = useDynamoLocal();

describe('createTables', () => {
  it('creates every table of resources/tables.yml with its keys, indexes and TTL', async () => {
    // Prepare
    const names = await dynamo.freshTables();
    const declared = await readTableDeclarations(names);

    // Act
    const described = await Promise.all(declared.map(({ input }) => dynamo.client.send(new DescribeTableCommand({ TableName: input.TableName }))));
    const ttl = await dynamo.client.send(new DescribeTimeToLiveCommand({ TableName: names.jobs }));

    // Assess
    expect(declared.map((d) => d.input.TableName)).toEqual([names.jobs, names.idempotency, names.leases, names.tokens, names.usage]);
    described.forEach(({ Table }, i) => {
      expect(Table?.KeySchema).toEqual(declared[i]!.input.KeySchema);
      expect(Table?.BillingModeSummary?.BillingMode ?? 'PAY_PER_REQUEST').toBe('PAY_PER_REQUEST');
    });
    const jobs = described[0]!.Table!;
    expect(jobs.GlobalSecondaryIndexes?.map((g) => [g.IndexName, g.KeySchema, g.Projection?.ProjectionType]).sort()).toEqual(
      declared[0]!.input.GlobalSecondaryIndexes!.map((g) => [g.IndexName, g.KeySchema, g.Projection?.ProjectionType]).sort(),
    );
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
    // Usage outlives the jobs: no TTL on its table.
    const usageTtl = await dynamo.client.send(new DescribeTimeToLiveCommand({ TableName: names.usage }));
    expect(usageTtl.TimeToLiveDescription?.TimeToLiveStatus).toBe('DISABLED');
  });

  it('keeps tables that exist already', async () => {
    // Prepare
    const names = await dynamo.freshTables();

    // Act
    const again = createTables(dynamo.client, names);

    // Assess
    await expect(again).resolves.toBeUndefined();
  });
});
