import type { RetryPolicy } from './retry';

/**
 * A job as svmsched keeps it and as the HTTP API shows it (JSON, camelCase).
 * States: QUEUED → DISPATCHING → RUNNING → COMPLETED | FAILED, plus
 * PREEMPTING → PREEMPTED → RESUMING → RUNNING, CANCELLED and EXPIRED (lifetime reached).
 */
export const JOB_STATES = [
  'QUEUED', 'DISPATCHING', 'RUNNING', 'PREEMPTING', 'PREEMPTED', 'RESUMING',
  'COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED',
] as const;
export type JobState = (typeof JOB_STATES)[number];

export const FINAL_STATES: readonly JobState[] = ['COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED'];
export const isFinal = (s: JobState): boolean => FINAL_STATES.includes(s);

/** Whether a job ended as it was meant to: COMPLETED, or EXPIRED when its lifetime is its normal end (a training session). */
export const endedWell = (job: Pick<Job, 'state' | 'lifetimeIsSuccess'>): boolean =>
  job.state === 'COMPLETED' || (job.state === 'EXPIRED' && job.lifetimeIsSuccess === true);

export const JOB_CLASSES = ['prod', 'beff'] as const;
export type JobClass = (typeof JOB_CLASSES)[number];

export const PREEMPT_MODES = ['stop', 'suspend', 'undeploy', 'requeue'] as const;
export type PreemptMode = (typeof PREEMPT_MODES)[number];

/** One entry of a job's history: every transition appends one. */
export interface JobEvent {
  /** ISO-8601 UTC. */
  readonly at: string;
  readonly from?: JobState;
  readonly to: JobState;
  /** Why, in words a person can act on. */
  readonly reason: string;
  readonly hostId?: number;
  readonly hostName?: string;
  readonly vmId?: number;
  /** For a preemption: the job that needed the room. */
  readonly by?: string;
}

export interface Job {
  readonly id: string;
  /** User who submitted it (from the bearer token). */
  readonly owner: string;
  /**
   * The tenant whose share it runs in, fixed at submit (lib/domain/tenant.ts): the token's,
   * else the one listing the owner, else its service's owner, else DEFAULT_TENANT.
   */
  readonly tenant?: string;
  readonly service: string;
  readonly class: JobClass;
  readonly priority: number;
  readonly vcpu: number;
  /** MB. */
  readonly memory: number;
  readonly args: readonly string[];
  /** Seconds of running time after which the VM is ended (EXPIRED); absent = service default or none. */
  readonly lifetime?: number;
  /** Seconds the submitter expects it to run (EASY backfill plans with it; it does not end the job). */
  readonly runtimeEstimate?: number;
  /** Extra SCHED_REQUIREMENTS, ANDed with the service's. */
  readonly requirements?: string;
  /** Its service's lifetimeIsSuccess: reaching the lifetime (EXPIRED) is its normal end. */
  readonly lifetimeIsSuccess?: boolean;
  readonly preemptMode: PreemptMode;
  readonly state: JobState;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly vmId?: number;
  readonly hostId?: number;
  readonly hostName?: string;
  /** Its VM's IP addresses (OpenNebula's NIC IPs), recorded when it starts running. */
  readonly addresses?: readonly string[];
  /** System datastore of its VM. */
  readonly datastoreId?: number;
  /** ISO-8601: since when the current run segment goes on (absent while not running). */
  readonly runningSince?: string;
  /** Seconds run in earlier segments (before preemptions): time preempted does not count against the lifetime. */
  readonly runSeconds?: number;
  /** ISO-8601: when the lifetime ends if the job keeps running (absent without a lifetime or while not running). */
  readonly lifetimeEndsAt?: string;
  /** ISO-8601: last time its work was saved (start, or the last stop/suspend/undeploy): work after it is lost by a requeue. */
  readonly checkpointAt?: string;
  /** Deploy attempts so far, and hosts excluded after a failed deploy/boot on them. */
  readonly attempts: number;
  readonly excludedHosts: readonly number[];
  readonly preemptions: number;
  readonly exitCode?: number;
  /** What it used, recorded when it ends (./usage.ts); also summed into the usage table, which outlives the job. */
  readonly usage?: JobUsage;
  /** Final reason (FAILED, CANCELLED, EXPIRED) or, while waiting, the planner's reason. */
  readonly reason?: string;
  readonly history: readonly JobEvent[];
  /** Its own retry rules, narrowing its service's (lib/domain/retry.ts). */
  readonly retry?: RetryPolicy;
  /** Jobs (or arrays: every element) it waits for, each with the end it needs; the tick drops each one once it is met. */
  readonly dependsOn?: readonly Dependency[];
  /** Set on an array (one item for all its elements, lib/domain/array.ts): its indexes and how far it has materialised. */
  readonly array?: ArraySpec;
  /** Set on an element of an array: the array's id, this element's index and the array's size. */
  readonly arrayId?: string;
  readonly arrayIndex?: number;
  readonly arraySize?: number;
}

/** How a job must end for a job after it to start: ok (ended well), notok (did not), any (ended at all); Slurm's afterok, afternotok, afterany. */
export const DEPENDENCY_CONDITIONS = ['ok', 'notok', 'any'] as const;
export type DependencyCondition = (typeof DEPENDENCY_CONDITIONS)[number];

export interface Dependency {
  readonly job: string;
  readonly condition: DependencyCondition;
}

/** An array's indexes (start to end by step), its concurrency limit, and how many elements the tick has made so far. */
export interface ArraySpec {
  readonly start: number;
  readonly end: number;
  readonly step: number;
  readonly size: number;
  /** At most this many unfinished elements at a time (Slurm's %N); absent = no limit. */
  readonly limit?: number;
  /** Elements made so far: element k (0 ≤ k < materialised) has index start + k × step. */
  readonly materialised: number;
}

/** A finished job's usage, read from its history (./usage.ts usageOf). */
export interface JobUsage {
  /** The UTC day the job ended (YYYY-MM-DD): the day its usage is counted under. */
  readonly day: string;
  readonly tenant: string;
  readonly user: string;
  readonly service: string;
  /** Its final state. */
  readonly outcome: JobState;
  /** vCPUs × seconds in RUNNING (all runs, lost ones included: the host was held). */
  readonly vcpuSeconds: number;
  /** MB of memory × seconds in RUNNING. */
  readonly memoryMbSeconds: number;
  /** From its first start to its end (0 when it never ran), preempted time included. */
  readonly wallSeconds: number;
  /** From each preemption until it ran again (or ended). */
  readonly preemptedSeconds: number;
  /** Seconds of running thrown away by restarts from scratch (a requeue, a VM lost and started again). */
  readonly lostSeconds: number;
  /** From submit to its first start (to its end when it never ran). */
  readonly waitSeconds: number;
}

/** What every new job starts with: QUEUED now, nothing tried, run or preempted yet, and the reason it was made. */
export const freshJob = (at: string, reason: string) => ({
  state: 'QUEUED' as const,
  createdAt: at,
  updatedAt: at,
  attempts: 0,
  excludedHosts: [] as readonly number[],
  preemptions: 0,
  runSeconds: 0,
  history: [{ at, to: 'QUEUED' as const, reason }] as readonly JobEvent[],
});
