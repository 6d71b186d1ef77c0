/**
 * Where jobs live. lib/lifecycle and the functions see only this interface;
 * DynamoJobRepository is the implementation (tests run it on DynamoDB Local).
 */
import type { Job, JobClass, JobEvent, JobState, PreemptMode } from '../jobs/model';

/** What a submission fixes for the job's whole life. */
export interface NewJob {
  readonly owner: string;
  readonly service: string;
  readonly class: JobClass;
  readonly priority: number;
  readonly vcpu: number;
  readonly memory: number;
  readonly args: readonly string[];
  readonly lifetime?: number;
  readonly requirements?: string;
  readonly preemptMode: PreemptMode;
}

export interface CreateJobRequest extends NewJob {
  /** The same key from the same owner returns the same job (HTTP Idempotency-Key). */
  readonly idempotencyKey?: string;
}

export interface CreatedJob {
  readonly job: Job;
  /** false when an earlier request with the same idempotency key created the job. */
  readonly created: boolean;
  /** The job's callback token, in clear this once (only when created); the store keeps its hash. */
  readonly callbackToken?: string;
}

export interface JobFilter {
  readonly owner?: string;
  readonly state?: JobState | readonly JobState[];
  readonly class?: JobClass;
  readonly service?: string;
}

export interface PageRequest {
  /** 1 to 1000; 50 when absent. */
  readonly limit?: number;
  /** From the previous page; opaque. */
  readonly cursor?: string;
}

export interface JobPage {
  /** Newest first. */
  readonly items: readonly Job[];
  /** Absent on the last page. */
  readonly cursor?: string;
}

/** Fields the store maintains itself and a patch may not touch. */
export const PROTECTED_FIELDS = ['id', 'owner', 'state', 'createdAt', 'updatedAt', 'history'] as const;
type PatchableField = Exclude<keyof Job, (typeof PROTECTED_FIELDS)[number]>;

/** Fields to change with a transition: a value sets the field, null removes it, undefined leaves it. */
export type JobPatch = { readonly [K in PatchableField]?: Job[K] | null };

/** What the caller says about a transition; the store adds `at`, `from` and `to`. */
export type TransitionEvent = Omit<JobEvent, 'at' | 'from' | 'to'>;

export interface JobRepository {
  create(request: CreateJobRequest): Promise<CreatedJob>;
  /** Strongly consistent; undefined when there is no such job. */
  get(jobId: string): Promise<Job | undefined>;
  list(filter?: JobFilter, page?: PageRequest): Promise<JobPage>;
  /** Every unfinished job, prod before beff, higher priority first, then oldest. Never reads finished jobs. */
  queue(): Promise<Job[]>;
  /**
   * Moves the job from one of `expected` to `next`, applies `patch` and appends the event
   * to its history, in one conditional write. Throws JobStateConflictError when the job
   * is in another state, JobNotFoundError when it does not exist. Returns the job as written.
   */
  transition(jobId: string, expected: JobState | readonly JobState[], next: JobState, patch: JobPatch, event: TransitionEvent): Promise<Job>;
  /** Changes fields without a transition (no history entry), e.g. the planner's waiting reason; conditional on the state. */
  update(jobId: string, expected: JobState | readonly JobState[], patch: JobPatch): Promise<Job>;
  /** A new callback token for the job (replacing the previous one), conditional on the state; the clear token is returned once. */
  issueCallbackToken(jobId: string, expected: JobState | readonly JobState[]): Promise<string>;
  /** Whether `token` is this job's current callback token (constant-time comparison of hashes). */
  verifyCallbackToken(jobId: string, token: string): Promise<boolean>;
}
