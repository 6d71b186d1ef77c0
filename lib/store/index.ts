export type {
  CreatedJob, CreateJobRequest, JobFilter, JobPage, JobPatch, JobRepository, NewJob, PageRequest, TransitionEvent,
} from './jobRepository';
export { PROTECTED_FIELDS } from './jobRepository';
export { DynamoJobRepository, type DynamoJobRepositoryOptions } from './dynamoJobRepository';
export { DynamoLeaseRepository, type Lease, type LeaseRepository } from './lease';
export { DynamoTokenRepository, ROLES, type CreatedToken, type Role, type TokenInfo, type TokenRepository } from './tokens';
export { createTables, readTableDeclarations, tableNames, tableNamesFromEnv, TABLE_LOGICAL_IDS, TABLES_DECLARATION, type TableNames } from './tables';
export { countCapacity, createCountingClient, type CapacityCounts, type CountingClient, type OperationCount } from './counting';
export { createDynamoClient, documentClient, localClientConfig } from './client';
export * from './errors';
