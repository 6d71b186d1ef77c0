/**
 * Whose share a job runs in. The submitter's tenant wins over its service's owner: sharing is
 * about what each party consumes, and the party that asks for the work is the one that uses the
 * room; a service's owner only speaks for users no tenant claims (say, the customers of a SaaS
 * provider running its service under their own names). Within the submitter's side, the token
 * wins over the file's list: the operator issued that token for that tenant on purpose (a shared
 * robot account, a user working for a second party under a second token).
 */
import { DEFAULT_TENANT, type Tenant } from '../domain/tenant';

export interface Tenancy {
  readonly tenants: readonly Tenant[];
}

/**
 * The tenant of a job submitted by `owner` (its token naming `tokenTenant`, if any) for
 * `service`: the token's tenant, else the tenant listing the user, else the service's owner,
 * else DEFAULT_TENANT. A tenant the configuration does not know (any more) is passed over.
 */
export function jobTenant(config: Tenancy, owner: string, service: string, tokenTenant?: string): string {
  if (config.tenants.length === 0) return DEFAULT_TENANT;
  if (tokenTenant !== undefined && config.tenants.some((t) => t.id === tokenTenant)) return tokenTenant;
  return config.tenants.find((t) => t.users.some((u) => u.id === owner))?.id
    ?? config.tenants.find((t) => t.services.includes(service))?.id
    ?? DEFAULT_TENANT;
}

/**
 * The tenant a user's jobs run in, services aside (the token's, else the one listing the user,
 * else DEFAULT_TENANT): the one GET /tenants shows a user. Admins see every tenant.
 */
export function callerTenant(config: Tenancy, caller: { readonly user: string; readonly tenant?: string }): string {
  return jobTenant(config, caller.user, '', caller.tenant);
}
