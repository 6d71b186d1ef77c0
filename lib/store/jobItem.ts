/**
 * A job as a DynamoDB item: the Job's own fields plus the store's keys. Only unfinished
 * jobs carry `queueKey`, so the sparse `queue` index holds exactly them.
 */
import type { Job, JobClass } from '../jobs/model';

/** The one partition of the queue index: the tick reads it in a single Query. */
export const QUEUE_PARTITION = 'unfinished';
/** The one partition of the byCreated index (admin listing). */
export const JOB_KIND = 'job';

export const INDEX = { queue: 'queue', byOwner: 'byOwner', byCreated: 'byCreated' } as const;

/** Attributes that are the store's, not the job's. */
export const INTERNAL_ATTRIBUTES = ['queueKey', 'queueSort', 'kind', 'createdKey', 'expiresAt', 'callbackTokenHash'] as const;

export interface JobItem extends Job {
  readonly queueKey?: string;
  readonly queueSort: string;
  readonly kind: string;
  readonly createdKey: string;
  readonly expiresAt?: number;
  readonly callbackTokenHash?: string;
}

const CLASS_ORDER: Readonly<Record<JobClass, string>> = { prod: '0', beff: '1' };
const PRIORITY_BOUND = 1_000_000_000;

/**
 * Sorts as the planner orders: prod before beff, higher priority first, then oldest.
 * Priority is inverted and zero-padded so that string order is numeric order.
 */
export function queueSortKey(job: Pick<Job, 'class' | 'priority' | 'createdAt' | 'id'>): string {
  const priority = Math.max(-PRIORITY_BOUND, Math.min(PRIORITY_BOUND, Math.trunc(job.priority)));
  const inverted = String(PRIORITY_BOUND - priority).padStart(10, '0');
  return `${CLASS_ORDER[job.class]}#${inverted}#${job.createdAt}#${job.id}`;
}

export function createdKey(job: Pick<Job, 'createdAt' | 'id'>): string {
  return `${job.createdAt}#${job.id}`;
}

export function toItem(job: Job, callbackTokenHash: string): JobItem {
  return { ...job, queueKey: QUEUE_PARTITION, queueSort: queueSortKey(job), kind: JOB_KIND, createdKey: createdKey(job), callbackTokenHash };
}

export function toJob(item: Record<string, unknown>): Job {
  const job: Record<string, unknown> = { ...item };
  for (const attribute of INTERNAL_ATTRIBUTES) delete job[attribute];
  return job as unknown as Job;
}
