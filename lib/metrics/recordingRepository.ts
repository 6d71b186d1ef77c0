/**
 * A job repository that tells the recorder what it wrote: jobs created, transitions, and patches
 * that raise a job's attempts; every other method passes through. With a sink, each recorded write
 * is flushed at once (the API); without one, the owner flushes when it is done (the tick).
 */
import type { Job, JobState } from '../domain/job';
import type { CreatedJob, JobFilter, JobOutputRecord, JobPage, JobPatch, JobRepository, TransitionEvent } from '../store/jobRepository';
import type { MetricsRecorder } from './recorder';

/** Where counts go when a write is recorded (lib/app: the stored counters and CloudWatch). */
export interface MetricsSink {
  flush(): Promise<void>;
}

export class RecordingJobRepository implements JobRepository {
  constructor(private readonly repo: JobRepository, private readonly recorder: MetricsRecorder, private readonly sink?: MetricsSink) {}

  async create(job: Job, idempotencyKey?: string): Promise<CreatedJob> {
    const created = await this.repo.create(job, idempotencyKey);
    if (created.created) {
      this.recorder.submitted(created.job);
      await this.sink?.flush();
    }
    return created;
  }

  async transition(jobId: string, expected: JobState | readonly JobState[], next: JobState, patch: JobPatch, event: TransitionEvent): Promise<Job> {
    const job = await this.repo.transition(jobId, expected, next, patch, event);
    this.recorder.transitioned(job, patch);
    await this.sink?.flush();
    return job;
  }

  async patch(jobId: string, expected: JobState | readonly JobState[], patch: JobPatch): Promise<Job> {
    const job = await this.repo.patch(jobId, expected, patch);
    if (patch.attempts !== undefined) {
      this.recorder.patched(job, patch);
      await this.sink?.flush();
    }
    return job;
  }

  get(jobId: string): Promise<Job | undefined> { return this.repo.get(jobId); }
  list(filter?: JobFilter, limit?: number, cursor?: string): Promise<JobPage> { return this.repo.list(filter, limit, cursor); }
  unfinished(): Promise<Job[]> { return this.repo.unfinished(); }
  countUnfinished(owner: string, atMost: number): Promise<number> { return this.repo.countUnfinished(owner, atMost); }
  callbackHash(jobId: string): Promise<string | undefined> { return this.repo.callbackHash(jobId); }
  verifyCallbackToken(jobId: string, token: string): Promise<boolean> { return this.repo.verifyCallbackToken(jobId, token); }
  jobForCallback(jobId: string, token: string): Promise<Job | undefined> { return this.repo.jobForCallback(jobId, token); }
  saveOutput(jobId: string, output: Omit<JobOutputRecord, 'recordedAt'>): Promise<void> { return this.repo.saveOutput(jobId, output); }
  output(jobId: string): Promise<JobOutputRecord | undefined> { return this.repo.output(jobId); }
}
