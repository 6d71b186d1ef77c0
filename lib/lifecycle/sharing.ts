/**
 * The tick's part of resource sharing: the tenants and their decayed usage given to the planner,
 * the usage carried from one plan to the next, and what GET /tenants shows. The policy itself is
 * the planner's (lib/sched/sharing); here only data is carried.
 */
import { DEFAULT_TENANT, type Tenant } from '../domain/tenant';
import type { SvmschedConfig } from '../config/types';
import { cloudCapacity, decayUsage, tenantSummary, type PlanInput, type TenantSummary, type UsageRecord } from '../sched';

/** Without tenants in the file, GET /tenants shows the one implicit tenant, holding the whole cloud. */
const IMPLICIT: readonly Tenant[] = [{ id: DEFAULT_TENANT, share: 1, services: [], users: [] }];

export interface Shared {
  /** The planner's input, with `sharing` when the file has tenants (else exactly as given). */
  readonly input: PlanInput;
  /** The usage record as of this plan, to keep for the next; undefined without tenants. */
  readonly usage?: UsageRecord;
  /** Per tenant: share, guarantee, used, borrowed, lent, waiting, limits (computed when asked). */
  readonly tenants: () => TenantSummary[];
}

/** Adds the tenants and their usage, decayed up to `input.now` from `previous` with the jobs running now, to the plan's input. */
export function withSharing(input: PlanInput, config: Pick<SvmschedConfig, 'tenants' | 'scheduling'>, previous: UsageRecord | undefined): Shared {
  const capacity = cloudCapacity(input.snapshot, input.policy.applyReserved);
  const summary = (sharing: NonNullable<PlanInput['sharing']>) => () =>
    tenantSummary({ sharing, capacity, running: input.running, queue: input.queue });
  if (config.tenants.length === 0) return { input, tenants: summary({ tenants: IMPLICIT, usage: {} }) };
  const usage = decayUsage(previous, input.running, capacity, input.now, config.scheduling.usageHalfLife);
  const sharing = { tenants: config.tenants, usage: usage.usage, userUsage: usage.userUsage };
  return { input: { ...input, sharing }, usage, tenants: summary(sharing) };
}
