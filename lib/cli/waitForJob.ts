import { endedWell, type Job } from '../domain/job';
import type { SvmschedApi } from './api';
import type { CommandContext } from './context';
import { JobUnsuccessfulError } from './errors';
import { followJob } from './follow';
import { createProgress, LineProgress } from './progress';
import { jobView } from './view';

export const DEFAULT_INTERVAL_S = 1;

export interface FollowDisplay {
  /** No progress at all: stdout is for the final JSON. */
  readonly json?: boolean;
  /** Seconds between two looks at the job. */
  readonly interval?: number;
  /** Plain lines even on a terminal (logs --follow is a log, not a live line). */
  readonly lines?: boolean;
}

/** Follows a job to a final state, showing progress unless --json, and returns its last view. */
export async function followWithProgress(ctx: CommandContext, api: SvmschedApi, job: Job, display: FollowDisplay): Promise<Job> {
  const { stdout } = ctx.io;
  const progress = display.json ? undefined
    : display.lines ? new LineProgress(stdout, ctx.io.now, ctx.paint) : createProgress(stdout, ctx.io.now, ctx.paint);
  let last: Job = job;
  let final: Job | undefined;
  try {
    progress?.update(job);
    final = await followJob(api, job.id, ctx.io, {
      intervalMs: (display.interval ?? DEFAULT_INTERVAL_S) * 1000,
      onUpdate: (j) => {
        last = j;
        progress?.update(j);
      },
    });
  } finally {
    progress?.finish(final ?? last);
  }
  return final;
}

/** --wait: follow, print the final job with --json, and throw JobUnsuccessfulError unless it ended well (COMPLETED, or EXPIRED as a session ends). */
export async function waitForJob(ctx: CommandContext, api: SvmschedApi, job: Job, display: FollowDisplay): Promise<Job> {
  const final = await followWithProgress(ctx, api, job, display);
  if (display.json) ctx.printJson(jobView(final));
  if (!endedWell(final)) throw new JobUnsuccessfulError(final.id, final.state, final.reason);
  return final;
}
