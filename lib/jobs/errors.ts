/**
 * Conditions of the job service, named for what happened; the HTTP edge maps each to an answer
 * (lib/http/middleware.ts), so the service itself speaks no HTTP.
 */
import type { JobState } from '../domain/job';

/** A submitted field the service refuses as it stands: its message says what to change. */
export class InvalidJobRequestError extends Error {
  constructor(readonly field: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidJobRequestError';
  }
}

/** No such job (or one that has expired from the store). */
export class UnknownJobError extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} does not exist`);
    this.name = 'UnknownJobError';
  }
}

/** A user asked for a job of another user (admins may). */
export class NotJobOwnerError extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} belongs to another user`);
    this.name = 'NotJobOwnerError';
  }
}

/** A completion callback whose token is not the one of the job's current VM (or for an unknown job: the same answer). */
export class CallbackTokenError extends Error {
  constructor() {
    super('callback token does not match this job\'s current VM');
    this.name = 'CallbackTokenError';
  }
}

/** Cancelling a job that has already finished. */
export class JobAlreadyFinishedError extends Error {
  constructor(readonly jobId: string, readonly state: JobState) {
    super(`job ${jobId} is already ${state}`);
    this.name = 'JobAlreadyFinishedError';
  }
}

/** A completion that comes while the job's run is not live (no VM, a stopped VM, a VM gone). */
export class CompletionNotLiveError extends Error {
  constructor(readonly jobId: string, readonly state: JobState, why: string) {
    super(`job ${jobId} is ${state}: ${why}; a completion counts only while its VM runs`);
    this.name = 'CompletionNotLiveError';
  }
}

/** The user already has as many unfinished jobs as jobs.maxUnfinishedPerUser allows. */
export class UserJobLimitError extends Error {
  constructor(readonly user: string, readonly max: number) {
    super(`user ${user} already has ${max} unfinished jobs, the most allowed (jobs.maxUnfinishedPerUser): wait for some to finish, or cancel some, before submitting more`);
    this.name = 'UserJobLimitError';
  }
}

/** A completion for a job whose VM OpenNebula cannot be asked about now: the guest tries again. */
export class VmStateUnknownError extends Error {
  constructor(readonly jobId: string, options?: ErrorOptions) {
    super(`OpenNebula cannot say whether job ${jobId}'s VM runs; try again`, options);
    this.name = 'VmStateUnknownError';
  }
}

/** GET /cluster: no view recorded by a tick yet, and OpenNebula cannot be reached to take one. */
export class ClusterUnavailableError extends Error {
  constructor(options?: ErrorOptions) {
    super('the cluster cannot be shown: OpenNebula is unreachable and no tick has recorded a view of it yet; try again in a minute', options);
    this.name = 'ClusterUnavailableError';
  }
}

/** A usage query the service cannot answer as asked (a day that does not exist, a range backwards or too long). */
export class InvalidUsageQueryError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = 'InvalidUsageQueryError';
  }
}
