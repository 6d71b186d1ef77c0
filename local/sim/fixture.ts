import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { HostStateName } from '../../lib/sched/snapshot';
import { FixtureInvalidError } from './errors';

/** Template attributes in a fixture: a value, a vector (object) or a list of either (repeated attribute). */
export type FixtureValue = string | number | boolean;
export type FixtureVector = Record<string, FixtureValue>;
export type FixtureTemplate = Record<string, FixtureValue | FixtureVector | (FixtureValue | FixtureVector)[]>;

export interface FixtureUser {
  readonly id: number;
  readonly name: string;
  readonly password: string;
  readonly gid?: number;
  readonly group?: string;
}

export interface FixtureCluster {
  readonly id: number;
  readonly name: string;
  /** Cluster TEMPLATE, e.g. QOS, RESERVED_CPU, RESERVED_MEM. */
  readonly template?: FixtureTemplate;
}

export interface FixtureHost {
  readonly id: number;
  readonly name: string;
  readonly cluster: number;
  readonly imMad?: string;
  readonly vmMad?: string;
  /** OpenNebula units: CPU in percent of a core (800 = 8 cores), memory in KB. */
  readonly totalCpu: number;
  readonly totalMem: number;
  readonly state?: HostStateName;
  /** Host TEMPLATE: free-form attributes, RESERVED_CPU / RESERVED_MEM ("10%", "200", "-50%"). */
  readonly template?: FixtureTemplate;
}

export interface FixtureDatastore {
  readonly id: number;
  readonly name: string;
  readonly type: 'SYSTEM' | 'IMAGE' | 'FILE';
  readonly clusters: number[];
  readonly totalMb: number;
  /** Used space at start (MB); FREE_MB = TOTAL_MB - USED_MB - what VMs and images take. */
  readonly usedMb?: number;
  readonly dsMad?: string;
  readonly tmMad?: string;
  readonly shared?: boolean;
  readonly template?: FixtureTemplate;
}

export interface FixtureAddressRange {
  readonly type?: 'IP4' | 'ETHER';
  readonly ip?: string;
  readonly mac?: string;
  readonly size: number;
}

export interface FixtureVnet {
  readonly id: number;
  readonly name: string;
  readonly clusters: number[];
  readonly bridge?: string;
  readonly vnMad?: string;
  readonly ars: FixtureAddressRange[];
  /** Leases taken at start by something outside the simulator (per AR index: count). */
  readonly usedLeases?: number;
  readonly template?: FixtureTemplate;
}

export interface FixtureImage {
  readonly id: number;
  readonly name: string;
  readonly datastore: number;
  readonly sizeMb: number;
  readonly type?: 'OS' | 'DATABLOCK' | 'CDROM';
  readonly template?: FixtureTemplate;
}

export interface Fixture {
  /** one.system.version answer. */
  readonly version?: string;
  /** API_LIST_ORDER of oned.conf: pools listed by descending (oned's default) or ascending ID. */
  readonly listOrder?: 'ASC' | 'DESC';
  readonly users?: FixtureUser[];
  readonly clusters: FixtureCluster[];
  readonly hosts: FixtureHost[];
  readonly datastores: FixtureDatastore[];
  readonly vnets: FixtureVnet[];
  readonly images?: FixtureImage[];
}

export const DEFAULT_FIXTURE_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'default.json');

/** Reads a fixture file, JSON or YAML (by extension), and checks its references. */
export function loadFixture(file: string = DEFAULT_FIXTURE_FILE): Fixture {
  const text = readFileSync(file, 'utf8');
  let data: unknown;
  try {
    data = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new FixtureInvalidError(file, `not ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(e as Error).message}`, { cause: e });
  }
  return checkFixture(data as Fixture, file);
}

function unique(what: string, ids: number[], where: string): void {
  const seen = new Set<number>();
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0) throw new FixtureInvalidError(where, `${what} id ${id} is not a non-negative integer`);
    if (seen.has(id)) throw new FixtureInvalidError(where, `${what} id ${id} appears twice`);
    seen.add(id);
  }
}

/** Checks ids are unique and every reference (cluster, datastore) exists. */
export function checkFixture(f: Fixture, where = 'fixture'): Fixture {
  for (const key of ['clusters', 'hosts', 'datastores', 'vnets'] as const) {
    if (!Array.isArray(f[key])) throw new FixtureInvalidError(where, `"${key}" must be a list`);
  }
  unique('cluster', f.clusters.map((c) => c.id), where);
  unique('host', f.hosts.map((h) => h.id), where);
  unique('datastore', f.datastores.map((d) => d.id), where);
  unique('vnet', f.vnets.map((v) => v.id), where);
  unique('image', (f.images ?? []).map((i) => i.id), where);
  const clusters = new Set(f.clusters.map((c) => c.id));
  for (const h of f.hosts) {
    if (!clusters.has(h.cluster)) throw new FixtureInvalidError(where, `host ${h.name}: cluster ${h.cluster} does not exist`);
    if (!(h.totalCpu >= 0) || !(h.totalMem >= 0)) throw new FixtureInvalidError(where, `host ${h.name}: totalCpu and totalMem are required`);
  }
  for (const d of [...f.datastores, ...f.vnets]) {
    for (const c of d.clusters) if (!clusters.has(c)) throw new FixtureInvalidError(where, `${d.name}: cluster ${c} does not exist`);
  }
  for (const i of f.images ?? []) {
    const ds = f.datastores.find((d) => d.id === i.datastore);
    if (!ds || ds.type !== 'IMAGE') throw new FixtureInvalidError(where, `image ${i.name}: datastore ${i.datastore} is not an image datastore`);
  }
  return f;
}
