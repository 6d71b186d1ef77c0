import type { JobState } from '../domain/job';
import { isFinal } from '../domain/job';
import type { JobPatch } from './jobRepository';

const WAITING = new Set<JobState>(['QUEUED', 'PREEMPTED']);

/**
 * A job's `reason` says why it is where it is: the final reason once finished, why it waits
 * while queued or preempted (the planner refines it each tick), nothing while it runs. Every
 * transition keeps that true, whoever makes it: the store applies it to each (DynamoJobRepository.transition).
 */
export function reasonPatch(to: JobState, reason: string, patch: JobPatch): JobPatch {
  if (patch.reason !== undefined || patch.clear?.includes('reason')) return patch;
  if (isFinal(to) || WAITING.has(to)) return { ...patch, reason };
  return { ...patch, clear: [...(patch.clear ?? []), 'reason'] };
}
