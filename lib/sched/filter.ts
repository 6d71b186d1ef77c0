/**
 * The planner's extension points, one method each (STYLE: Kubernetes' FilterPlugin): a
 * filter says whether one host (or datastore, network) can take one job and, when not, why.
 */
import type { Ledger } from './ledger';
import type { HostGroup } from './groups';
import type { NicChoice, QueuedJob } from './contract';
import type { CompiledRank } from './expr';

export type RejectCode =
  | 'requirements' | 'excluded' | 'capacity.cpu' | 'capacity.memory' | 'dispatchLimit'
  | 'datastore.none' | 'datastore.cluster' | 'datastore.capacity' | 'datastore.monitor'
  | 'network.none' | 'network.cluster' | 'network.leases'
  | 'reservation';

export interface Rejection {
  readonly code: RejectCode;
  /** The requirement term that ruled the host out. */
  readonly term?: string;
  readonly need?: number;
  readonly free?: number;
}

/** The result of a host filter that passes (one shared object: filters run for every candidate host). */
export const PASS = Object.freeze({ ok: true as const });

export type FilterResult<T = undefined> =
  | ({ readonly ok: true } & (T extends undefined ? object : { readonly value: T }))
  | { readonly ok: false; readonly reason: Rejection };

/** What a job is being placed as. */
export type PlacementKind = 'deploy' | 'resume' | 'resumeSuspended' | 'migrate';

export interface PreparedNic {
  readonly nicId: number;
  /** Networks matching the NIC's requirements, best rank first (ranks from the snapshot). */
  readonly vnets: readonly number[];
  readonly rank: CompiledRank;
}

/** A queued job once compiled: OpenNebula units, its host group, datastore and network candidates. */
export interface PreparedJob {
  readonly job: QueuedJob;
  readonly order: number;
  readonly kind: PlacementKind;
  readonly cpu: number;
  readonly mem: number;
  readonly disk: number;
  readonly group?: HostGroup;
  readonly requirementError?: string;
  readonly excluded: ReadonlySet<number>;
  /** System datastores matching the job's datastore requirements, best rank first. */
  readonly datastores: readonly number[];
  readonly dsRank: CompiledRank;
  readonly dsRequirementError?: string;
  readonly nics: readonly PreparedNic[];
  readonly nicRequirementError?: string;
  /** The first of its requirements whose evaluation ran out of steps in this plan (it then has no group, datastores or networks from it). */
  readonly overBudget?: OverBudget;
}

/** A requirement the plan stopped evaluating: which one (as OpenNebula names it) and its source. */
export interface OverBudget {
  readonly which: 'SCHED_REQUIREMENTS' | 'SCHED_DS_REQUIREMENTS' | 'NIC SCHED_REQUIREMENTS';
  readonly requirement: string;
}

export interface FilterContext {
  readonly ledger: Ledger;
  readonly differentVnets: boolean;
  readonly dynamicRanks: boolean;
  /** The filters a placement must pass, in order (requirements, exclusions, capacity, datastore, network). */
  readonly placementFilters: readonly Filter[];
  /** The same without capacity: a preemption candidate passes them before its victims are gone. */
  readonly preemptionFilters: readonly Filter[];
}

/** Host-level filter: can host `hostIndex` take the job? */
export interface HostFilter {
  readonly kind: 'host';
  readonly name: string;
  check(ctx: FilterContext, job: PreparedJob, hostIndex: number): FilterResult;
}

/** A filter that also chooses: the datastore, or the networks of the job on that host. */
export interface ChoosingFilter<K extends 'datastore' | 'network', T> {
  readonly kind: K;
  readonly name: string;
  choose(ctx: FilterContext, job: PreparedJob, hostIndex: number): FilterResult<T>;
}

export type DatastoreFilter = ChoosingFilter<'datastore', number>;
export type NetworkFilter = ChoosingFilter<'network', readonly NicChoice[]>;

/** One link of the chain a host must pass (built once, in order, in pipeline.ts; run by filters/chain.ts). */
export type Filter = HostFilter | DatastoreFilter | NetworkFilter;

/** Where a job goes: host, system datastore, networks. */
export interface Placement {
  readonly hostIndex: number;
  readonly datastoreId: number;
  readonly nics: readonly NicChoice[];
  /** false when the job only fits in room booked by suspended VMs. */
  readonly enforce: boolean;
}

