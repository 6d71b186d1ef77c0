/**
 * The tables are declared once, as CloudFormation resources in resources/tables.yml
 * (serverless.yml includes that file). Locally they are created from the same
 * declaration: same keys, indexes, billing mode and TTL, only the names differ.
 */
import {
  CreateTableCommand, DescribeTimeToLiveCommand, ResourceInUseException, UpdateTimeToLiveCommand,
  type CreateTableCommandInput, type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { TableDeclarationError } from './errors';

export interface TableNames {
  readonly jobs: string;
  readonly idempotency: string;
  readonly leases: string;
  readonly tokens: string;
  readonly usage: string;
}

/** Logical id of each table in resources/tables.yml. */
export const TABLE_LOGICAL_IDS: Readonly<Record<keyof TableNames, string>> = {
  jobs: 'JobsTable',
  idempotency: 'IdempotencyTable',
  leases: 'LeasesTable',
  tokens: 'TokensTable',
  usage: 'UsageTable',
};

export const TABLES_DECLARATION = fileURLToPath(new URL('../../resources/tables.yml', import.meta.url));

/** Names as resources/tables.yml builds them: `${self:service}-${sls:stage}-jobs` is tableNames(`${service}-${stage}`). */
export function tableNames(prefix: string): TableNames {
  return { jobs: `${prefix}-jobs`, idempotency: `${prefix}-idempotency`, leases: `${prefix}-leases`, tokens: `${prefix}-tokens`, usage: `${prefix}-usage` };
}

/** From SVMSCHED_TABLE_PREFIX, which serverless.yml sets to `${self:service}-${sls:stage}`. */
export function tableNamesFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): TableNames {
  const prefix = env.SVMSCHED_TABLE_PREFIX;
  if (!prefix) throw new TableDeclarationError('SVMSCHED_TABLE_PREFIX is not set: set it to "<service>-<stage>" as in serverless.yml');
  return tableNames(prefix);
}

interface CfnTable {
  readonly Type: string;
  readonly Properties: Omit<CreateTableCommandInput, 'TableName'> & {
    readonly TimeToLiveSpecification?: { readonly AttributeName: string; readonly Enabled: boolean };
  };
}

/** The CreateTable inputs (and TTL attribute) that resources/tables.yml declares, under the given names. */
export async function readTableDeclarations(
  names: TableNames,
  path: string = TABLES_DECLARATION,
): Promise<Array<{ input: CreateTableCommandInput; ttlAttribute?: string }>> {
  const doc = parse(await readFile(path, 'utf8')) as { Resources?: Record<string, CfnTable> };
  return (Object.keys(TABLE_LOGICAL_IDS) as Array<keyof TableNames>).map((key) => {
    const logicalId = TABLE_LOGICAL_IDS[key];
    const resource = doc.Resources?.[logicalId];
    if (resource?.Type !== 'AWS::DynamoDB::Table') throw new TableDeclarationError(`${path}: Resources.${logicalId} must be an AWS::DynamoDB::Table`);
    const { KeySchema, AttributeDefinitions, GlobalSecondaryIndexes, LocalSecondaryIndexes, BillingMode, ProvisionedThroughput, TimeToLiveSpecification } = resource.Properties;
    return {
      input: { TableName: names[key], KeySchema, AttributeDefinitions, GlobalSecondaryIndexes, LocalSecondaryIndexes, BillingMode, ProvisionedThroughput },
      ttlAttribute: TimeToLiveSpecification?.Enabled ? TimeToLiveSpecification.AttributeName : undefined,
    };
  });
}

/** Creates the tables (those that exist already are kept) and turns their TTL on. */
export async function createTables(client: DynamoDBClient, names: TableNames, path?: string): Promise<void> {
  for (const { input, ttlAttribute } of await readTableDeclarations(names, path)) {
    try {
      await client.send(new CreateTableCommand(input));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    if (ttlAttribute !== undefined) await enableTtl(client, input.TableName!, ttlAttribute);
  }
}

async function enableTtl(client: DynamoDBClient, table: string, attribute: string): Promise<void> {
  const { TimeToLiveDescription: ttl } = await client.send(new DescribeTimeToLiveCommand({ TableName: table }));
  if (ttl?.TimeToLiveStatus === 'ENABLED' || ttl?.TimeToLiveStatus === 'ENABLING') return;
  await client.send(new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { AttributeName: attribute, Enabled: true } }));
}
