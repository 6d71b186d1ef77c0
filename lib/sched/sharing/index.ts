/** Resource sharing among tenants: what the tick and the API use besides plan(). */
export { cloudCapacity, type CloudCapacity } from './capacity';
export { decayUsage, dominantShare, userKey, type UsageRecord } from './usage';
export { tenantSummary, type ResourceAmount, type SummaryInput, type TenantSummary } from './summary';
