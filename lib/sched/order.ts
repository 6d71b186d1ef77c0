/**
 * Queue order: prod before beff; within a class higher priority first, then oldest, then id
 * (numeric ids compare as numbers, so the placer keeps OpenNebula's VM id order).
 */
import type { QueuedJob } from './contract';

const NUMERIC = /^\d+$/;

/** Total order on ids, numeric-aware, locale-free (deterministic everywhere). */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  if (NUMERIC.test(a) && NUMERIC.test(b)) {
    const x = a.replace(/^0+(?=\d)/, '');
    const y = b.replace(/^0+(?=\d)/, '');
    if (x.length !== y.length) return x.length - y.length;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

const classRank = (c: QueuedJob['class']): number => (c === 'prod' ? 0 : 1);

export function compareJobs(a: QueuedJob, b: QueuedJob): number {
  return classRank(a.class) - classRank(b.class)
    || b.priority - a.priority
    || a.submittedAt - b.submittedAt
    || compareIds(a.id, b.id);
}

export function orderQueue(queue: readonly QueuedJob[]): QueuedJob[] {
  return [...queue].sort(compareJobs);
}
