import type { Job, JobState } from '../domain/job';
import type { JobPatch } from './ports';

export interface ExitOutcome {
  readonly to: Extract<JobState, 'COMPLETED' | 'FAILED'>;
  readonly reason: string;
  readonly patch: JobPatch;
}

/**
 * What a service's exit code makes of its job, whichever way the code arrived (the callback,
 * or the VM's OneGate record read by the tick): COMPLETED for 0, FAILED otherwise, with the
 * code and the run time counted up to `now`. `via` names a channel other than the callback.
 */
export function exitOutcome(job: Job, exitCode: number, now: number, message?: string, via?: string): ExitOutcome {
  const to = exitCode === 0 ? 'COMPLETED' : 'FAILED';
  const said = exitCode === 0 ? 'service exited with code 0' : `service exited with code ${exitCode}${message ? `: ${message}` : ''}`;
  const runSeconds = (job.runSeconds ?? 0) + (job.runningSince ? Math.max(0, (now - Date.parse(job.runningSince)) / 1000) : 0);
  return {
    to,
    reason: via ? `${said} (${via})` : said,
    patch: { exitCode, runSeconds, clear: ['runningSince', 'lifetimeEndsAt'] },
  };
}
