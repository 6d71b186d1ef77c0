import type { Job } from '../domain/job';
import { isFinal } from '../domain/job';
import type { SvmschedApi } from './api';
import { InterruptedError, ServerError, ServerUnreachableError } from './errors';
import type { CliIo } from './io';

export interface FollowOptions {
  readonly intervalMs: number;
  /** Consecutive failed looks tolerated (server restarting, network hiccup) before giving up. */
  readonly maxFailures?: number;
  readonly onUpdate: (job: Job) => void;
}

/**
 * Looks at a job until it is in a final state and returns that last view. A server or network
 * failure is retried (the job goes on regardless); a refusal (auth, not found) is not. Ctrl-C
 * (io.signal) stops following with InterruptedError.
 */
export async function followJob(api: Pick<SvmschedApi, 'getJob'>, jobId: string, io: Pick<CliIo, 'signal' | 'sleep'>,
  options: FollowOptions): Promise<Job> {
  const maxFailures = options.maxFailures ?? 10;
  let failures = 0;
  for (;;) {
    if (io.signal?.aborted) throw new InterruptedError(jobId);
    let job: Job | undefined;
    try {
      job = await api.getJob(jobId);
      failures = 0;
    } catch (err) {
      const transient = err instanceof ServerError || err instanceof ServerUnreachableError;
      if (!transient || ++failures > maxFailures) throw err;
    }
    if (job) {
      options.onUpdate(job);
      if (isFinal(job.state)) return job;
    }
    // Back off while the server is unwell, up to 10 looks' worth.
    await io.sleep(options.intervalMs * Math.min(10, 2 ** failures), io.signal);
  }
}
