/**
 * The store as the rest of svmsched uses it: jobs, leases, API tokens and usage on the tables
 * of resources/tables.yml, with the retention the configuration sets.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SvmschedConfig } from '../config/types';
import { createDynamoClient, documentClient } from './client';
import { DynamoJobRepository } from './dynamoJobRepository';
import type { JobRepository } from './jobRepository';
import { DynamoClusterViewRepository, type ClusterViewRepository } from './clusterViews';
import { DynamoKickRepository, type KickRepository } from './kick';
import { DynamoTenantUsageRepository, type TenantUsageRepository } from './tenantUsage';
import { DynamoArrayRepository, type ArrayRepository } from './arrays';
import { DynamoLeaseRepository, type LeaseRepository } from './lease';
import { DynamoMetricsCounterRepository, type MetricsCounterRepository } from './metricsCounters';
import { tableNamesFromEnv, type TableNames } from './tables';
import { DynamoTokenRepository, type TokenRepository } from './tokens';
import { DynamoUsageRepository, type UsageRepository } from './usage';

export interface Store {
  readonly jobs: JobRepository;
  readonly arrays: ArrayRepository;
  readonly leases: LeaseRepository;
  readonly kicks: KickRepository;
  readonly clusterViews: ClusterViewRepository;
  readonly tenantUsage: TenantUsageRepository;
  readonly tokens: TokenRepository;
  /** Counters for GET /metrics (lib/store/metricsCounters.ts), next to the leases. */
  readonly metrics: MetricsCounterRepository;
  readonly usage: UsageRepository;
}

/** From the environment: SVMSCHED_TABLE_PREFIX names the tables, DYNAMODB_ENDPOINT (if set) points at DynamoDB Local. */
export function openStore(env: Readonly<Record<string, string | undefined>>, config: Pick<SvmschedConfig, 'jobs'>): Store {
  return openStoreWith(createDynamoClient(env), tableNamesFromEnv(env), config);
}

export function openStoreWith(client: DynamoDBClient, names: TableNames, config: Pick<SvmschedConfig, 'jobs'>): Store {
  const doc = documentClient(client);
  return {
    jobs: new DynamoJobRepository(doc, { tables: names, retentionDays: config.jobs.retentionDays }),
    arrays: new DynamoArrayRepository(doc, { tables: names, retentionDays: config.jobs.retentionDays }),
    leases: new DynamoLeaseRepository(doc, names.leases),
    kicks: new DynamoKickRepository(doc, names.leases),
    clusterViews: new DynamoClusterViewRepository(doc, names.leases),
    tenantUsage: new DynamoTenantUsageRepository(doc, names.leases),
    tokens: new DynamoTokenRepository(doc, names.tokens),
    metrics: new DynamoMetricsCounterRepository(doc, names.leases),
    usage: new DynamoUsageRepository(doc, names),
  };
}
