/**
 * GET /tenants: each tenant's share and, as the tick last saw it, its guarantee, what it runs,
 * borrows and lends, what waits, and its limits. Read from the tick's cluster view (never a
 * snapshot per request); before any tick recorded one, the configuration alone (id, share,
 * limits). A user sees the tenant its own jobs run in, an admin every tenant.
 */
import type { Caller } from '../domain/caller';
import { DEFAULT_TENANT } from '../domain/tenant';
import type { SvmschedConfig } from '../config/types';
import { callerTenant } from '../config/tenancy';
import type { TenantSummary } from '../sched';
import { asClusterRecord } from '../lifecycle/clusterRecord';
import type { ClusterViewStore } from '../lifecycle/ports';

export type TenantView = Partial<TenantSummary> & Pick<TenantSummary, 'id' | 'share'>;

export interface TenantsAnswer {
  readonly tenants: readonly TenantView[];
  /** When the tick looked (ISO 8601); absent when only the configuration speaks. */
  readonly observedAt?: string;
}

export interface TenantServiceDeps {
  readonly config: Pick<SvmschedConfig, 'tenants'>;
  readonly views?: Pick<ClusterViewStore, 'latest'>;
}

export class TenantService {
  constructor(private readonly deps: TenantServiceDeps) {}

  async list(caller: Caller): Promise<TenantsAnswer> {
    const { config } = this.deps;
    const own = callerTenant(config, caller);
    const visible = (id: string) => caller.role === 'admin' || id === own;
    // A user in no configured tenant runs in the default one, which has no share of its own (and
    // the tick lists it only while it has work): shown all the same, so a user always sees where it stands.
    const withOwn = (tenants: readonly TenantView[]) => (tenants.some((t) => t.id === own) ? tenants : [...tenants, { id: own, share: 0 }]);
    const record = asClusterRecord(await this.deps.views?.latest());
    if (record?.tenants !== undefined) {
      return { tenants: withOwn(record.tenants).filter((t) => visible(t.id)), observedAt: new Date(record.observedAt).toISOString() };
    }
    const configured: TenantView[] = config.tenants.length > 0
      ? config.tenants.map((t) => ({
        id: t.id, share: t.share, ...(t.description !== undefined ? { description: t.description } : {}),
        ...(t.limits ? { limits: t.limits } : {}), ...(t.borrowLimit ? { borrowLimit: t.borrowLimit } : {}),
      }))
      : [{ id: DEFAULT_TENANT, share: 1 }];
    return { tenants: withOwn(configured).filter((t) => visible(t.id)) };
  }
}
