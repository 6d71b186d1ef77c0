/**
 * Where jobs live. lib/lifecycle and the functions see only interfaces (lib/lifecycle/ports.ts
 * declares what they need; this one matches it); DynamoJobRepository is the implementation,
 * and the tests run it on DynamoDB Local.
 */
import type { Job, JobClass, JobEvent, JobState } from '../domain/job';

export interface CreatedJob {
  readonly job: Job;
  /** false when an earlier request with the same idempotency key created the job (nothing was written). */
  readonly created: boolean;
}

export interface JobFilter {
  readonly owner?: string;
  readonly state?: JobState | readonly JobState[];
  readonly class?: JobClass;
  readonly service?: string;
  /** Also the elements of arrays (by default an array is listed as its one row). */
  readonly elements?: boolean;
}

export interface JobPage {
  /** Newest first. */
  readonly jobs: Job[];
  /** Opaque; absent on the last page. */
  readonly cursor?: string;
}

/** Fields the store maintains itself and a patch may not touch. */
export const PROTECTED_FIELDS = ['id', 'owner', 'state', 'createdAt', 'updatedAt', 'history', 'usage'] as const;
export type PatchableField = Exclude<keyof Job, (typeof PROTECTED_FIELDS)[number]>;

/**
 * Fields to change: a value sets the field, `clear` lists fields to remove (null removes too),
 * undefined leaves it alone. `callbackTokenHash` stores the SHA-256 of the current VM's
 * callback token, which the API never shows; removing `vmId` removes it too.
 */
export type JobPatch = { readonly [K in PatchableField]?: Job[K] | null } & {
  readonly clear?: readonly PatchableField[];
  readonly callbackTokenHash?: string;
};

/** What the caller says about a transition; the store adds `at`, `from` and `to`. */
export type TransitionEvent = Omit<JobEvent, 'at' | 'from' | 'to'>;

/** The tail of a job's output, as its VM's completion sent it (kept beside the job, as long as the job). */
export interface JobOutputRecord {
  readonly output: string;
  /** Whether the service wrote more than the tail kept. */
  readonly truncated: boolean;
  /** ISO-8601. */
  readonly recordedAt: string;
}

export interface JobRepository {
  /** Writes a new job; with an idempotency key, the same key of the same owner returns the first job and writes nothing. */
  create(job: Job, idempotencyKey?: string): Promise<CreatedJob>;
  /** Strongly consistent; undefined when there is no such job. */
  get(jobId: string): Promise<Job | undefined>;
  /** 1 to 1000 jobs a page (50 by default). */
  list(filter?: JobFilter, limit?: number, cursor?: string): Promise<JobPage>;
  /** Every unfinished job, from the sparse queue index (never a Scan): prod before beff, higher priority first, then oldest. */
  unfinished(): Promise<Job[]>;
  /** How many unfinished jobs `owner` has, counted up to `atMost` (from a sparse index; it may lag a concurrent submit). */
  countUnfinished(owner: string, atMost: number): Promise<number>;
  /**
   * Moves the job from one of `expected` to `next`, applies `patch` and appends the event
   * to its history, in one conditional write. Throws JobStateConflictError when the job
   * is in another state, JobNotFoundError when it does not exist. Returns the job as written.
   * The job's `reason` follows its state (./jobReason.ts) unless the patch sets or clears it.
   */
  transition(jobId: string, expected: JobState | readonly JobState[], next: JobState, patch: JobPatch, event: TransitionEvent): Promise<Job>;
  /** Changes fields without a transition (no history entry), e.g. the planner's waiting reason; conditional on the state. */
  patch(jobId: string, expected: JobState | readonly JobState[], patch: JobPatch): Promise<Job>;
  /** The stored SHA-256 hash of the job's current callback token. */
  callbackHash(jobId: string): Promise<string | undefined>;
  /** Whether `token` is the job's current callback token (hashes compared in constant time). */
  verifyCallbackToken(jobId: string, token: string): Promise<boolean>;
  /**
   * The job (strongly consistent) when `token` is the callback token of its current VM;
   * undefined for an unknown job or any other token, the token of a VM it no longer has included.
   */
  jobForCallback(jobId: string, token: string): Promise<Job | undefined>;
  /** Keeps the tail of the job's output (replacing one kept before), for as long as a finished job is kept. */
  saveOutput(jobId: string, output: Omit<JobOutputRecord, 'recordedAt'>): Promise<void>;
  /** The tail kept for the job; undefined when none was sent. */
  output(jobId: string): Promise<JobOutputRecord | undefined>;
}
