/**
 * A job's history as a timeline: one segment per state it was in, from the transition into it
 * to the next one (or to now while it is still in it), in seconds since it was submitted.
 */
import type { JobEvent, JobState } from '../domain/job';
import { isFinal } from '../domain/job';

export interface Segment {
  readonly state: JobState;
  /** Seconds since the first event. */
  readonly start: number;
  readonly end: number;
  readonly event: JobEvent;
}

export function segments(history: readonly JobEvent[], now: number): Segment[] {
  if (history.length === 0) return [];
  const t0 = Date.parse(history[0]!.at);
  const at = (e: JobEvent) => (Date.parse(e.at) - t0) / 1000;
  return history.map((e, i) => {
    const next = history[i + 1];
    // A final state has no length: it is where the job ended.
    const end = next ? at(next) : isFinal(e.to) ? at(e) : Math.max(at(e), (now - t0) / 1000);
    return { state: e.to, start: at(e), end, event: e };
  });
}

/** Whether an event is part of a preemption (the job made room for another) or of its resume. */
export const isPreemption = (e: JobEvent): boolean => e.to === 'PREEMPTING' || e.to === 'PREEMPTED';
export const isResume = (e: JobEvent): boolean => e.to === 'RESUMING';
