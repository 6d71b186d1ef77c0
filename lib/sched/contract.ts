/**
 * The planner's contract: what `plan()` reads (PlanInput) and what it answers (Plan).
 * Times are milliseconds since the epoch, given by the caller (the planner has no clock).
 * Units follow the job service (CPUs, MB); the planner converts to OpenNebula's
 * (CPU×100, KB) itself.
 */
import type { JobClass, PreemptMode } from '../domain/job';
import type { Tenant } from '../domain/tenant';
import type { Snapshot } from './snapshot';

export type { JobClass, PreemptMode };

/** One NIC of a job. Only `auto` NICs (NETWORK_MODE="auto") are placed by the planner. */
export interface NicRequest {
  readonly nicId: number;
  readonly auto?: boolean;
  /** Fixed network of a non-auto NIC (informational). */
  readonly networkId?: number;
  readonly schedRequirements?: string;
  readonly schedRank?: string;
  /** Networks allowed for this NIC, when the caller already knows them (the placer's REQUIREMENTS/VM/NIC/VNETS). */
  readonly candidateVnetIds?: readonly number[];
}

/** A job waiting for a host: new, re-queued, to be resumed, or a VM to re-schedule (`migrateFrom`). */
export interface QueuedJob {
  readonly id: string;
  readonly class: JobClass;
  readonly priority: number;
  readonly submittedAt: number;
  /** CPUs (fractional allowed), virtual CPUs, memory MB. */
  readonly cpu: number;
  readonly vcpu: number;
  readonly memoryMb: number;
  /** System datastore space the VM needs (volatile disks, clones into the system DS), MB, before MEMORY_SYSTEM_DS_SCALE. */
  readonly diskMb: number;
  /**
   * System datastore need already scaled (MEMORY_SYSTEM_DS_SCALE applied), replacing diskMb's:
   * set by the placer for an OpenNebula VM-group leader, whose need sums each affined VM's own.
   */
  readonly systemDsMb?: number;
  /** Image datastore space by datastore id (disks cloned into their image datastore, CLONE_TARGET=SELF), MB. */
  readonly imageDatastoreMb?: Readonly<Record<number, number>>;
  readonly requirements: string;
  readonly rank?: string;
  readonly dsRequirements?: string;
  readonly dsRank?: string;
  readonly nics: readonly NicRequest[];
  /** AUTOMATIC_REQUIREMENTS (clusters of the job's images and networks, pinning), combined as OpenNebula does. */
  readonly automaticRequirements?: string;
  readonly automaticDsRequirements?: string;
  readonly automaticNicRequirements?: string;
  readonly pinnedHostId?: number;
  /** Hosts where a deploy of this job already failed. */
  readonly excludedHostIds?: readonly number[];
  /** Hosts / system datastores the caller allows (the placer's REQUIREMENTS section); absent = all. */
  readonly candidateHostIds?: readonly number[];
  readonly candidateDatastoreIds?: readonly number[];
  /** Fail the job when it is still waiting at this instant. */
  readonly pendingDeadline?: number;
  /** Its VM, when already allocated (on hold). */
  readonly vmId?: number;
  /** Set when the job was preempted and is to be resumed. */
  readonly preempted?: { readonly mode: PreemptMode; readonly hostId: number; readonly datastoreId?: number };
  /** Set for a running VM flagged `resched`: the answer is a migrate action away from this host. */
  readonly migrateFrom?: { readonly hostId: number; readonly datastoreId: number };
  /**
   * OpenNebula VM-group follower: when the VM with this id was placed earlier in the plan, its
   * host and then its system datastore are tried first (the rank placer's dispatch adds the
   * leader's host and datastore to its affined VMs' matches).
   */
  readonly followsVmId?: number;
  /** How this job is preempted when it runs (recorded for later; default stop). */
  readonly preemptMode?: PreemptMode;
  /**
   * Seconds it is expected to run from its start (the estimate given at submit, or what is left
   * of its lifetime): EASY backfill lets it start past the first job in line only when it ends
   * before that job's reservation or fits beside it (lib/sched/backfill.ts).
   */
  readonly runtimeEstimate?: number;
  /** Its tenant (lib/domain/tenant.ts); absent = DEFAULT_TENANT. Read only with PlanInput.sharing. */
  readonly tenant?: string;
  /** Its submitter, for the user sub-shares inside its tenant; absent = one anonymous user. */
  readonly user?: string;
}

export type RunningState = 'RUNNING' | 'PREEMPTED';

/** A svmsched job that holds (or held) a VM on a host. */
export interface RunningJob {
  readonly id: string;
  readonly vmId: number;
  readonly hostId: number;
  readonly datastoreId?: number;
  readonly class: JobClass;
  readonly priority: number;
  readonly cpu: number;
  readonly memoryMb: number;
  /** Mode used when this job is preempted; for a PREEMPTED job, the mode it was preempted with. */
  readonly preemptMode: PreemptMode;
  readonly startedAt: number;
  /** Last checkpoint (state saved); work since then is lost on preemption. */
  readonly checkpointAt?: number;
  readonly lifetimeEndsAt?: number;
  /**
   * When it is expected to end (ms): its lifetime's end, or its start plus its runtime estimate.
   * EASY backfill reserves room from these; a job without one is taken to hold its room for ever.
   */
  readonly expectedEndAt?: number;
  readonly state: RunningState;
  /** Its tenant; absent = DEFAULT_TENANT. Read only with PlanInput.sharing. */
  readonly tenant?: string;
  /** Its submitter (user sub-shares). */
  readonly user?: string;
}

export const HOST_POLICIES = { packing: 0, striping: 1, loadAware: 2, custom: 3, fixed: 4 } as const;
export const DS_POLICIES = { packing: 0, striping: 1, custom: 2, fixed: 3 } as const;
export const NIC_POLICIES = DS_POLICIES;

/** A scheduling policy as rank.conf writes it: POLICY number plus RANK for custom. */
export interface RankPolicy {
  readonly policy: number;
  readonly rank?: string;
}

/**
 * 'opennebula': ranks are computed once per plan, from the snapshot, as OpenNebula's placer
 * does. 'dynamic': a host's rank is recomputed after every dispatch to it in the same plan
 * (RUNNING_VMS, CPU_USAGE, MEM_USAGE, FREE_CPU, FREE_MEM, datastore FREE_MB include what the
 * plan already promised), so striping really spreads a burst of jobs.
 */
export type RankMode = 'opennebula' | 'dynamic';

/**
 * How jobs behind the first one that cannot start are placed: 'greedy' (any that fits starts;
 * the default, and OpenNebula's placer), 'easy' (the first that cannot start gets a
 * reservation, the others start only where they cannot delay it), 'none' (strict order: nothing
 * starts past a job waiting for room).
 */
export type Backfill = 'greedy' | 'easy' | 'none';

export interface Policy {
  readonly host: RankPolicy;
  readonly datastore: RankPolicy;
  readonly nic: RankPolicy;
  /** MAX_HOST: dispatches per host per plan; 0 or absent = unlimited. */
  readonly maxHost?: number;
  /** DIFFERENT_VNETS. */
  readonly differentVnets: boolean;
  /** MEMORY_SYSTEM_DS_SCALE. */
  readonly memorySystemDsScale: number;
  readonly preemption: boolean;
  readonly rankMode: RankMode;
  /**
   * Recompute MAX_CPU / MAX_MEM from TOTAL_CPU / TOTAL_MEM and RESERVED_* (host over cluster) as
   * oned does, instead of trusting HOST_SHARE/MAX_*. The placer turns it off: OpenNebula's
   * placer reads MAX_* as sent.
   */
  readonly applyReserved: boolean;
  /**
   * Work the evaluations of one requirement expression may cost in a plan, at most, in steps
   * (one per comparison, plus what wildcard matching reads: about bytes × pattern length); past
   * it, the jobs with that expression wait with the reason `requirements.budget` and the plan
   * goes on. Absent: DEFAULT_REQUIREMENT_STEPS (lib/sched/exprCache.ts).
   */
  readonly maxRequirementSteps?: number;
  /**
   * Steps all requirements of a plan may cost together: each distinct expression gets an equal
   * share (not below MIN_REQUIREMENT_STEPS, not above maxRequirementSteps). Absent:
   * DEFAULT_PLAN_REQUIREMENT_STEPS (lib/sched/exprCache.ts).
   */
  readonly maxPlanRequirementSteps?: number;
  /** Absent: 'greedy'. */
  readonly backfill?: Backfill;
}

/**
 * Resource sharing among tenants (lib/sched/sharing/). Absent: no tenants, the plan is exactly
 * the one without sharing.
 */
export interface SharingInput {
  readonly tenants: readonly Tenant[];
  /**
   * Each tenant's decayed past usage, in dominant-share-seconds (decayUsage in
   * lib/sched/sharing/usage.ts computes it; the caller keeps it between plans). Absent key = 0.
   */
  readonly usage: Readonly<Record<string, number>>;
  /** The same per user inside a tenant, keyed `${tenant}/${user}`. */
  readonly userUsage?: Readonly<Record<string, number>>;
}

export interface PlanInput {
  readonly snapshot: Snapshot;
  readonly queue: readonly QueuedJob[];
  readonly running: readonly RunningJob[];
  readonly policy: Policy;
  readonly now: number;
  readonly sharing?: SharingInput;
}

export interface NicChoice {
  readonly nicId: number;
  readonly vnetId: number;
}

export interface DeployAction {
  readonly type: 'deploy';
  readonly jobId: string;
  readonly vmId?: number;
  readonly hostId: number;
  readonly datastoreId: number;
  readonly nics: readonly NicChoice[];
  /**
   * false when the room comes from suspended VMs: OpenNebula still books a suspended VM's
   * capacity on its host, so the deploy must be sent with enforce=false (and goes now).
   */
  readonly enforce: boolean;
  /** Placed while another job held a reservation (EASY backfill): in that reservation's shadow. */
  readonly shadow?: ShadowOf;
}

/** The reservation a backfilled job started beside. */
export interface ShadowOf {
  readonly jobId: string;
  readonly hostId: number;
  readonly hostName: string;
  /** When the reserved job is due to start (ms). */
  readonly from: number;
}

/**
 * Deploy once these victims have left: room made by stopping, undeploying or requeueing jobs
 * preempted in this plan frees only when they have left the host. Nothing is sent for it now;
 * the next round plans again with the host free (the victims' preempt actions are in this plan).
 */
export interface DeployAfterVictimsAction {
  readonly type: 'deployAfterVictims';
  readonly jobId: string;
  readonly vmId?: number;
  readonly hostId: number;
  readonly datastoreId: number;
  readonly nics: readonly NicChoice[];
  /** The jobs preempted in this plan to make the room. */
  readonly victims: readonly string[];
}

export interface PreemptAction {
  readonly type: 'preempt';
  readonly jobId: string;
  readonly vmId: number;
  readonly hostId: number;
  readonly mode: PreemptMode;
  readonly byJobId: string;
  readonly reason: string;
}

export interface ResumeAction {
  readonly type: 'resume';
  readonly jobId: string;
  readonly vmId: number;
  readonly hostId: number;
  readonly datastoreId: number;
  readonly nics: readonly NicChoice[];
  readonly enforce: boolean;
  readonly shadow?: ShadowOf;
}

export interface MigrateAction {
  readonly type: 'migrate';
  readonly jobId?: string;
  readonly vmId: number;
  readonly hostId: number;
  readonly datastoreId?: number;
}

export interface TerminateAction {
  readonly type: 'terminate';
  readonly jobId: string;
  readonly vmId: number;
  readonly reason: 'lifetime';
}

export interface FailAction {
  readonly type: 'fail';
  readonly jobId: string;
  readonly reason: string;
}

export type Action = DeployAction | DeployAfterVictimsAction | PreemptAction | ResumeAction | MigrateAction | TerminateAction | FailAction;

export type WaitCode =
  | 'requirements.syntax'
  | 'requirements.budget'
  | 'requirements.nomatch'
  | 'hosts.excluded'
  | 'hosts.none'
  | 'capacity.cpu'
  | 'capacity.memory'
  | 'capacity.cpuAndMemory'
  | 'capacity.dispatchLimit'
  | 'queue.behind'
  | 'queue.firstInLine'
  | 'queue.reserved'
  | 'queue.blocked'
  | 'datastore.none'
  | 'datastore.capacity'
  | 'image.capacity'
  | 'network.none'
  | 'network.leases'
  | 'resume.sameHost'
  | 'tenant.overShare'
  | 'tenant.limit';

export interface WaitReason {
  readonly code: WaitCode;
  /** A sentence a person can act on. */
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface Plan {
  readonly actions: readonly Action[];
  readonly waiting: ReadonlyMap<string, WaitReason>;
}
