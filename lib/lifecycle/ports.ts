/**
 * What the lifecycle needs from the outside, as interfaces: the tick and the job service see
 * only these, so tests can run them on DynamoDB Local and the simulator, and nothing here
 * knows about DynamoDB or XML-RPC.
 */
import type { Job, JobState } from '../jobs/model';
import type { Snapshot } from '../sched/model';

type Mutable = 'vmId' | 'hostId' | 'hostName' | 'datastoreId' | 'runningSince' | 'runSeconds' | 'lifetimeEndsAt'
  | 'checkpointAt' | 'attempts' | 'excludedHosts' | 'preemptions' | 'exitCode' | 'reason';

/** Fields a transition sets, and those it removes. */
export type JobPatch = { -readonly [K in Mutable]?: Job[K] } & { clear?: Mutable[]; /** SHA-256 of the current VM's callback token (never shown by the API). */ callbackTokenHash?: string };

export interface JobEventInput {
  readonly reason: string;
  readonly hostId?: number;
  readonly hostName?: string;
  readonly vmId?: number;
  readonly by?: string;
}

export interface JobStore {
  /** Unfinished jobs, from the queue index (never a Scan). */
  unfinished(): Promise<Job[]>;
  get(id: string): Promise<Job | undefined>;
  /**
   * One conditional write: moves the job from one of `from` to `to`, applies the patch and
   * appends the event to its history. Throws JobStateConflictError when another writer moved it first.
   */
  transition(id: string, from: JobState | readonly JobState[], to: JobState, patch: JobPatch, event: JobEventInput): Promise<Job>;
  /** Records facts without a state change (conditional on the state), e.g. the VM id or the planner's reason. */
  patch(id: string, state: JobState, patch: JobPatch): Promise<Job>;
}

export interface LeaseStore {
  acquire(name: string, owner: string, ttlMs: number, now: number): Promise<boolean>;
  release(name: string, owner: string): Promise<void>;
}

export type VmAction =
  | 'terminate' | 'terminate-hard' | 'stop' | 'suspend' | 'resume' | 'undeploy' | 'undeploy-hard'
  | 'poweroff' | 'poweroff-hard' | 'hold' | 'release' | 'resched' | 'unresched';

/** The OpenNebula calls the lifecycle makes. */
export interface Cloud {
  snapshot(): Promise<Snapshot>;
  allocate(template: string, hold: boolean): Promise<number>;
  deploy(vmId: number, hostId: number, enforce: boolean, datastoreId?: number, extraTemplate?: string): Promise<void>;
  action(action: VmAction, vmId: number): Promise<void>;
  migrate(vmId: number, hostId: number, live: boolean, enforce: boolean, datastoreId?: number): Promise<void>;
  /** Adds a scheduled action (SCHED_ACTION) to a VM; returns its id. */
  schedAdd(vmId: number, template: string): Promise<number>;
  schedDelete(vmId: number, schedId: number): Promise<void>;
}

export interface JobFilter {
  readonly owner?: string;
  readonly state?: JobState;
  readonly class?: Job['class'];
  readonly service?: string;
}

export interface JobPage {
  readonly jobs: Job[];
  /** Opaque; absent on the last page. */
  readonly cursor?: string;
}

/** The job service's view of storage: JobStore plus creation and listing. */
export interface JobRepository extends JobStore {
  /**
   * Writes a new job; with an idempotency key, the same key of the same owner returns the job it
   * created the first time (`created: false`) and writes nothing.
   */
  create(job: Job, idempotencyKey?: string): Promise<{ job: Job; created: boolean }>;
  list(filter: JobFilter, limit: number, cursor?: string): Promise<JobPage>;
  /** The stored hash of the job's current callback token. */
  callbackHash(id: string): Promise<string | undefined>;
}
