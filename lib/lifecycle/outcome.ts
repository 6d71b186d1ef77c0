import type { Job, JobState } from '../domain/job';
import { decideRetry, type RetryPolicy } from '../domain/retry';
import type { JobPatch } from './ports';

export interface ExitOutcome {
  readonly to: Extract<JobState, 'COMPLETED' | 'FAILED' | 'QUEUED'>;
  readonly reason: string;
  readonly patch: JobPatch;
}

/** The retry rules an exit code is judged by: the service's, and the configuration's attempts when it has none. */
export interface ExitRetry {
  readonly service: RetryPolicy | undefined;
  readonly maxAttempts: number;
}

/**
 * What a service's exit code makes of its job, whichever way the code arrived (the callback,
 * or the VM's OneGate record read by the tick): COMPLETED for 0, FAILED otherwise, with the
 * code and the run time counted up to `now`; QUEUED again (a new attempt, its VM ended) when
 * the retry rules say so. `via` names a channel other than the callback.
 */
export function exitOutcome(job: Job, exitCode: number, now: number, message?: string, via?: string, retry?: ExitRetry): ExitOutcome {
  const said = exitCode === 0 ? 'service exited with code 0' : `service exited with code ${exitCode}${message ? `: ${message}` : ''}`;
  const runSeconds = (job.runSeconds ?? 0) + (job.runningSince ? Math.max(0, (now - Date.parse(job.runningSince)) / 1000) : 0);
  const reason = via ? `${said} (${via})` : said;
  if (exitCode !== 0 && retry) {
    const d = decideRetry({ kind: 'exit', exitCode }, job.attempts + 1, retry.service, job.retry, retry.maxAttempts);
    if (d.retry) {
      return {
        to: 'QUEUED',
        reason: `${reason}; retrying (attempt ${job.attempts + 2} of ${d.attempts})`,
        patch: { exitCode, attempts: job.attempts + 1, runSeconds: 0, clear: ['runningSince', 'lifetimeEndsAt', 'checkpointAt', 'vmId', 'hostId', 'hostName', 'datastoreId'] },
      };
    }
    if (d.rule?.action === 'stop') return { to: 'FAILED', reason: `${reason}; not retried (rule ${d.rule.on}: stop)`, patch: { exitCode, runSeconds, clear: ['runningSince', 'lifetimeEndsAt'] } };
    if (d.action === 'retry') return { to: 'FAILED', reason: `${reason}; gave up after ${job.attempts + 1} attempts`, patch: { exitCode, runSeconds, clear: ['runningSince', 'lifetimeEndsAt'] } };
  }
  return {
    to: exitCode === 0 ? 'COMPLETED' : 'FAILED',
    reason,
    patch: { exitCode, runSeconds, clear: ['runningSince', 'lifetimeEndsAt'] },
  };
}
