import type { JobState } from '../domain/job';
import { isFinal } from '../domain/job';
import type { JobPatch, JobRepository } from './ports';

const WAITING = new Set<JobState>(['QUEUED', 'PREEMPTED']);

/**
 * A job's `reason` says why it is where it is: the final reason once finished, why it waits
 * while queued or preempted (the planner refines it each tick), nothing while it runs. Every
 * transition keeps that true, whoever makes it.
 */
export function reasonPatch(to: JobState, reason: string, patch: JobPatch): JobPatch {
  if (patch.reason !== undefined || patch.clear?.includes('reason')) return patch;
  if (isFinal(to) || WAITING.has(to)) return { ...patch, reason };
  return { ...patch, clear: [...(patch.clear ?? []), 'reason'] };
}

/** The same repository, with reasonPatch applied to every transition. */
export function keepingReasons<T extends Pick<JobRepository, 'transition'>>(repo: T): T {
  const wrapped = Object.create(repo) as T;
  wrapped.transition = (id, from, to, patch, event) => repo.transition(id, from, to, reasonPatch(to, event.reason, patch), event);
  return wrapped;
}
