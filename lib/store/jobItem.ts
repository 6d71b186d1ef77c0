/**
 * A job as a DynamoDB item: the Job's own fields plus the store's keys. Only unfinished
 * jobs carry `queueKey`, so the sparse `queue` index holds exactly them; finished ones
 * carry `expiresAt` instead, for TTL.
 */
import { isFinal, type Job, type JobClass } from '../domain/job';

/** The one partition of the queue index: the tick reads it in a single Query. */
export const QUEUE_PARTITION = 'unfinished';
/** The one partition of the byCreated index (admin listing). */
export const JOB_KIND = 'job';
/** The queue index's partition of unfinished arrays (lib/store/arrays.ts): apart, so the tick's query of jobs never meets one. */
export const ARRAY_PARTITION = 'arrays';

export const INDEX = { queue: 'queue', byOwner: 'byOwner', byCreated: 'byCreated', unfinishedByOwner: 'unfinishedByOwner' } as const;

/** Attributes that are the store's, not the job's. */
export const INTERNAL_ATTRIBUTES = ['queueKey', 'queueSort', 'kind', 'createdKey', 'expiresAt', 'callbackTokenHash', 'unfinishedOwner'] as const;

const CLASS_ORDER: Readonly<Record<JobClass, string>> = { prod: '0', beff: '1' };
const PRIORITY_BOUND = 1_000_000_000;

/**
 * Sorts as the planner orders: prod before beff, higher priority first, then oldest.
 * Priority is inverted and zero-padded so that string order is numeric order.
 */
export function queueSortKey(job: Pick<Job, 'class' | 'priority' | 'createdAt' | 'id'>): string {
  const priority = Math.max(-PRIORITY_BOUND, Math.min(PRIORITY_BOUND, Math.trunc(job.priority) || 0));
  const inverted = String(PRIORITY_BOUND - priority).padStart(10, '0');
  return `${CLASS_ORDER[job.class] ?? '9'}#${inverted}#${job.createdAt}#${job.id}`;
}

export function toItem(job: Job, expiresAt: number): Record<string, unknown> {
  return {
    ...job,
    ...(isFinal(job.state) ? { expiresAt }
      // An array waits in its own partition and counts for nothing against its owner's limit: its elements do.
      : job.array ? { queueKey: ARRAY_PARTITION } : { queueKey: QUEUE_PARTITION, unfinishedOwner: job.owner }),
    queueSort: queueSortKey(job),
    kind: JOB_KIND,
    createdKey: `${job.createdAt}#${job.id}`,
  };
}

export function toJob(item: Record<string, unknown>): Job {
  const job: Record<string, unknown> = { ...item };
  for (const attribute of INTERNAL_ATTRIBUTES) delete job[attribute];
  return job as unknown as Job;
}
