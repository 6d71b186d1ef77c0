import type { Job } from '../domain/job';
import { escapeJsonForTerminal } from './format/escape';

/**
 * A job as `--json` prints it: the API's job, plus `host` (the host's name, or its id when the
 * server gave no name; null until placed), without anything only the job's own VM may see.
 */
export type JobView = Job & { readonly host: string | null };

export function jobView(job: Job): JobView {
  const { callbackToken: _secret, ...rest } = job as Job & { callbackToken?: unknown };
  return { ...rest, host: hostOf(job) ?? null };
}

export const hostOf = (job: Pick<Job, 'hostName' | 'hostId'>): string | undefined =>
  job.hostName ?? (job.hostId !== undefined && job.hostId !== null ? String(job.hostId) : undefined);

/** JSON escapes what a terminal would act on; the data is the server's, unchanged. */
export const toJson = (value: unknown): string => `${escapeJsonForTerminal(JSON.stringify(value, null, 2))}\n`;
