export { plan } from './pipeline';
export { DEFAULT_POLICY, hostRankSource, datastoreRankSource, nicRankSource } from './policy';
export { cpuShare, memoryKb, reservedMetric, systemDsNeedMb } from './capacity';
export { compareJobs, orderQueue } from './order';
export { combineRequirements, DEFAULT_PLAN_REQUIREMENT_STEPS, DEFAULT_REQUIREMENT_STEPS, MIN_REQUIREMENT_STEPS } from './exprCache';
export * from './contract';
export * from './snapshot';
export * from './sharing';
