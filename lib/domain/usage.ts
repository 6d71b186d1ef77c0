/**
 * What a finished job used, read from its own history: the record usage accounting keeps
 * (sreport's "cluster utilisation" figures, per job). Pure: the job's events are the only input.
 */
import type { Job, JobState, JobUsage } from './job';

export type { JobUsage } from './job';

export const USAGE_FIGURES = [
  'vcpuSeconds', 'memoryMbSeconds', 'wallSeconds', 'preemptedSeconds', 'lostSeconds', 'waitSeconds',
] as const;
export type UsageFigure = (typeof USAGE_FIGURES)[number];

/** The tenant a job is counted under: the default tenant for jobs that name none. */
export const tenantOf = (job: Job & { readonly tenant?: string }): string => job.tenant ?? 'default';

/** Millisecond precision: sums stay exact decimals in the store. */
const round = (seconds: number): number => Math.round(seconds * 1000) / 1000;

/**
 * The usage of a finished job. Walks its history: each event ends the time spent in the state
 * before it. A run counts from entering RUNNING to leaving it; a return to QUEUED restarts the
 * service from scratch, so what ran since its last fresh start (DISPATCHING → RUNNING) is lost.
 * A job with no final event yet is counted up to its last event.
 */
export function usageOf(job: Job): JobUsage {
  const created = Date.parse(job.createdAt);
  let state: JobState = 'QUEUED';
  let since = created;
  let run = 0;
  let runThisStart = 0;
  let firstStart: number | undefined;
  let preemptedSince: number | undefined;
  let preempted = 0;
  let lost = 0;
  for (const event of job.history) {
    const at = Date.parse(event.at);
    if (!Number.isFinite(at)) continue;
    const spent = Math.max(0, at - since);
    if (state === 'RUNNING') {
      run += spent;
      runThisStart += spent;
    }
    if (event.to === 'RUNNING') {
      firstStart ??= at;
      if (event.from === 'DISPATCHING') runThisStart = 0;
      if (preemptedSince !== undefined) preempted += Math.max(0, at - preemptedSince);
      preemptedSince = undefined;
    }
    if (event.to === 'PREEMPTING' && event.from === 'RUNNING') preemptedSince ??= at;
    if (event.to === 'QUEUED' && event.from !== undefined) {
      lost += runThisStart;
      runThisStart = 0;
    }
    state = event.to;
    since = at;
  }
  const end = since;
  if (preemptedSince !== undefined) preempted += Math.max(0, end - preemptedSince);
  const runSeconds = run / 1000;
  return {
    day: new Date(end).toISOString().slice(0, 10),
    tenant: tenantOf(job),
    user: job.owner,
    service: job.service,
    outcome: state,
    vcpuSeconds: round(job.vcpu * runSeconds),
    memoryMbSeconds: round(job.memory * runSeconds),
    wallSeconds: round(firstStart === undefined ? 0 : (end - firstStart) / 1000),
    preemptedSeconds: round(preempted / 1000),
    lostSeconds: round(lost / 1000),
    waitSeconds: round(((firstStart ?? end) - created) / 1000),
  };
}
