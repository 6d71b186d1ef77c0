/**
 * Rules that span several fields, which the schema cannot say: defaults within
 * maxima, references to declared repositories, unique ids, a rank for the custom
 * policy only, the right fields for each kind of network, expressions that OpenNebula's
 * grammar accepts, tenants that leave no doubt whose a job is.
 */
import { compileRank, compileRequirement, ExprSyntaxError } from '../sched/expr';
import { ConfigInvalidError } from './errors';
import type { PathMap } from './convert';
import { xmlPathOf } from './validate';

/** The validated JSON, defaults applied, before it becomes a SvmschedConfig. */
export interface RawNetwork { mode: 'fixed' | 'auto'; vnet?: number | string; requirements?: string; rank?: string }
export interface RawRankPolicy { policy: string; rank: string }
export interface RawService {
  id: string;
  requirements: string; rank: string; dsRequirements: string; dsRank: string;
  defaultVcpu: number; maxVcpu: number;
  defaultMemory?: number; maxMemory: number;
  defaultLifetime?: number; maxLifetime?: number;
  repositories: string[];
  networks: RawNetwork[];
}
export interface RawRepository { id: string; mountPoint: string }
export interface RawTenant {
  id: string; description?: string; share: number;
  services: string[];
  users: { id: string; share: number }[];
  limits?: { vcpu?: number; memory?: number; runningJobs?: number };
  borrowLimit?: { vcpu?: number; memory?: number };
}
export interface RawConfig {
  scheduling: { host: RawRankPolicy; datastore: RawRankPolicy; nic: RawRankPolicy };
  optimize: { policy: string; weights: Record<string, number> };
  repositories: RawRepository[];
  services: RawService[];
  tenants: RawTenant[];
}

export function crossCheck(raw: RawConfig, paths: PathMap): void {
  const at = (pointer: string, reason: string) => new ConfigInvalidError(xmlPathOf(pointer, paths), reason);

  for (const kind of ['host', 'datastore', 'nic'] as const) {
    const { policy, rank } = raw.scheduling[kind];
    const pointer = `/scheduling/${kind}`;
    if (policy === 'custom' && rank.trim() === '') throw at(`${pointer}/rank`, 'the custom policy needs a rank expression');
    if (policy !== 'custom' && rank.trim() !== '') throw at(`${pointer}/rank`, `a rank is used by the custom policy only; set <policy>custom</policy> or remove it (policy is ${policy})`);
    checkExpression(compileRank, rank, `${pointer}/rank`, at);
  }

  const { policy, weights } = raw.optimize;
  if (policy === 'balance' && !Object.values(weights).some((w) => w > 0)) {
    throw at('/optimize/weights', 'balance needs a weight above 0: set one of cpuUsage, cpu, memory, disk, net');
  }

  unique(raw.repositories.map((r) => r.id), (i, first) => at(`/repositories/${i}/id`, `duplicate repository id (also repository[${first + 1}])`));
  unique(raw.repositories.map((r) => r.mountPoint), (i, first) => at(`/repositories/${i}/mountPoint`, `mount point already used by repository[${first + 1}]`));
  unique(raw.services.map((s) => s.id), (i, first) => at(`/services/${i}/id`, `duplicate service id (also service[${first + 1}])`));

  const declared = new Set(raw.repositories.map((r) => r.id));
  raw.services.forEach((service, i) => {
    const pointer = `/services/${i}`;
    const bounds = [['Vcpu', service.defaultVcpu, service.maxVcpu], ['Memory', service.defaultMemory, service.maxMemory],
      ['Lifetime', service.defaultLifetime, service.maxLifetime]] as const;
    for (const [name, dflt, max] of bounds) {
      if (dflt !== undefined && max !== undefined && max < dflt) throw at(`${pointer}/max${name}`, `must be >= default${name} (${dflt})`);
    }
    service.repositories.forEach((id, j) => {
      if (!declared.has(id)) throw at(`${pointer}/repositories/${j}`, `unknown repository "${id}"; declared: ${[...declared].join(', ') || 'none'}`);
    });
    unique(service.repositories, (j) => at(`${pointer}/repositories/${j}`, 'repository listed twice'));
    service.networks.forEach((nic, j) => checkNetwork(nic, `${pointer}/networks/${j}`, at));
    checkExpression(compileRequirement, service.requirements, `${pointer}/requirements`, at);
    checkExpression(compileRank, service.rank, `${pointer}/rank`, at);
    checkExpression(compileRequirement, service.dsRequirements, `${pointer}/dsRequirements`, at);
    checkExpression(compileRank, service.dsRank, `${pointer}/dsRank`, at);
  });

  checkTenants(raw, at);
}

/**
 * A job's tenant must follow from the file without doubt: each user in one tenant at most,
 * each service owned by one at most, and only services the file declares.
 */
function checkTenants(raw: RawConfig, at: (p: string, r: string) => ConfigInvalidError): void {
  unique(raw.tenants.map((t) => t.id), (i, first) => at(`/tenants/${i}/id`, `duplicate tenant id (also tenant[${first + 1}])`));
  const services = new Set(raw.services.map((s) => s.id));
  const userTenant = new Map<string, string>();
  const serviceOwner = new Map<string, string>();
  raw.tenants.forEach((tenant, i) => {
    const pointer = `/tenants/${i}`;
    tenant.services.forEach((id, j) => {
      if (!services.has(id)) throw at(`${pointer}/services/${j}`, `unknown service "${id}"; declared: ${[...services].join(', ')}`);
      const owner = serviceOwner.get(id);
      if (owner !== undefined) {
        throw at(`${pointer}/services/${j}`, owner === tenant.id ? `service "${id}" listed twice` : `service "${id}" is already owned by tenant ${owner}: a service has one owner`);
      }
      serviceOwner.set(id, tenant.id);
    });
    tenant.users.forEach((user, j) => {
      const other = userTenant.get(user.id);
      if (other !== undefined) {
        throw at(`${pointer}/users/${j}/id`, other === tenant.id ? `user "${user.id}" listed twice` : `user "${user.id}" is already in tenant ${other}: a user belongs to one tenant (give a second identity its own token with --tenant)`);
      }
      userTenant.set(user.id, tenant.id);
    });
  });
}

function checkNetwork(nic: RawNetwork, pointer: string, at: (p: string, r: string) => ConfigInvalidError): void {
  if (nic.mode === 'fixed') {
    if (nic.vnet === undefined) throw at(`${pointer}/vnet`, 'a fixed network needs a vnet (id or name), or set mode="auto"');
    for (const field of ['requirements', 'rank'] as const) {
      if (nic[field] !== undefined) throw at(`${pointer}/${field}`, `${field} apply to mode="auto" networks only`);
    }
  } else if (nic.vnet !== undefined) {
    throw at(`${pointer}/vnet`, 'an auto network is chosen by the scheduler: remove vnet, or use mode="fixed"');
  } else {
    checkExpression(compileRequirement, nic.requirements ?? '', `${pointer}/requirements`, at);
    checkExpression(compileRank, nic.rank ?? '', `${pointer}/rank`, at);
  }
}

/** Refused here, with the element, rather than by the planner at the first job. */
function checkExpression(compile: (source: string) => unknown, source: string, pointer: string, at: (p: string, r: string) => ConfigInvalidError): void {
  try {
    compile(source);
  } catch (error) {
    if (!(error instanceof ExprSyntaxError)) throw error;
    throw at(pointer, `${error.message} in "${source}"`);
  }
}

/** Calls `duplicate(index, firstIndex)` for the first value seen before. */
function unique(values: readonly string[], duplicate: (index: number, first: number) => Error): void {
  const seen = new Map<string, number>();
  values.forEach((value, i) => {
    const first = seen.get(value);
    if (first !== undefined) throw duplicate(i, first);
    seen.set(value, i);
  });
}
