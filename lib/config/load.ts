/**
 * Loads svmsched's XML configuration: read → convert along the schema → validate
 * (defaults applied) → cross-check → build the typed, frozen SvmschedConfig. Any
 * failure throws ConfigInvalidError before anything is returned: never half-applied.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { xmlToJson } from './convert';
import { crossCheck, type RawConfig, type RawNetwork, type RawTenant } from './crossCheck';
import { ConfigInvalidError } from './errors';
import type { Repository, ServiceNetwork, SvmschedConfig } from './types';
import type { Tenant } from '../domain/tenant';
import { configSchema, validateConfigJson } from './validate';
import { readXml } from './xml';

/** A service's memory when neither the job nor the service says (capped by its maxMemory). */
const DEFAULT_MEMORY_MB = 512;

export type ConfigEnv = Readonly<Record<string, string | undefined>>;

export interface ParseOptions {
  /** Folder that relative repository localPaths are resolved against (the file's folder when loaded from a file). */
  readonly baseDir?: string;
}

export async function loadConfig(path: string, env: ConfigEnv = process.env): Promise<SvmschedConfig> {
  let xml: string;
  try {
    xml = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ConfigInvalidError('/', `cannot read ${path}: ${(cause as Error).message}`, { cause });
  }
  return parseConfig(xml, env, { baseDir: dirname(resolve(path)) });
}

export function parseConfig(xml: string, env: ConfigEnv = process.env, options: ParseOptions = {}): SvmschedConfig {
  const { value, paths } = xmlToJson(readXml(xml), configSchema);
  validateConfigJson(value, paths);
  for (const service of (value as unknown as RawConfig).services) service.defaultMemory ??= Math.min(DEFAULT_MEMORY_MB, service.maxMemory);
  crossCheck(value as unknown as RawConfig, paths);
  // Validated: the schema and the cross-checks guarantee this shape.
  const config = value as unknown as SvmschedConfig;
  const password = env.SVMSCHED_ONE_PASSWORD;
  return deepFreeze<SvmschedConfig>({
    ...config,
    opennebula: { ...config.opennebula, ...(password ? { password } : {}) },
    repositories: config.repositories.map((r) => withLocalPath(r, options.baseDir)),
    services: config.services.map((s) => ({ ...s, networks: (s.networks as unknown as RawNetwork[]).map(toNetwork) })),
    tenants: (config.tenants as unknown as RawTenant[]).map(toTenant),
  });
}

/** The file says memory as the services do (MB, `memory`); the domain names the unit (`memoryMb`). */
function toTenant(t: RawTenant): Tenant {
  const mb = (o: { memory?: number }) => (o.memory !== undefined ? { memoryMb: o.memory } : {});
  return {
    id: t.id, share: t.share, services: t.services, users: t.users,
    ...(t.description !== undefined ? { description: t.description } : {}),
    ...(t.limits ? { limits: { ...pick(t.limits, 'vcpu', 'runningJobs'), ...mb(t.limits) } } : {}),
    ...(t.borrowLimit ? { borrowLimit: { ...pick(t.borrowLimit, 'vcpu'), ...mb(t.borrowLimit) } } : {}),
  };
}

function pick<T extends object, K extends keyof T>(o: T, ...keys: K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])) as Partial<Pick<T, K>>;
}

function withLocalPath(repo: Repository, baseDir: string | undefined): Repository {
  if (repo.localPath === undefined || baseDir === undefined || isAbsolute(repo.localPath)) return repo;
  return { ...repo, localPath: resolve(baseDir, repo.localPath) };
}

function toNetwork(nic: RawNetwork): ServiceNetwork {
  return nic.mode === 'auto'
    ? { mode: 'auto', requirements: nic.requirements ?? '', rank: nic.rank ?? '' }
    : { mode: 'fixed', vnet: nic.vnet! };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
