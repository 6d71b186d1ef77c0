/** Conditions the store reports; each names what happened and carries what a caller needs to react. */
import type { JobState } from '../domain/job';

/** A conditional transition found the job in another state: another writer moved it first. */
export class JobStateConflictError extends Error {
  constructor(
    readonly jobId: string,
    readonly expected: readonly JobState[],
    readonly actual: JobState,
    options?: ErrorOptions,
  ) {
    super(`job ${jobId} is ${actual}, not ${expected.join(' or ')}: another writer moved it first; re-read it and decide again`, options);
    this.name = 'JobStateConflictError';
  }
}

export class JobNotFoundError extends Error {
  constructor(readonly jobId: string, options?: ErrorOptions) {
    super(`job ${jobId} does not exist (or has expired)`, options);
    this.name = 'JobNotFoundError';
  }
}

/** The same Idempotency-Key was sent again by the same owner with a different request. */
export class IdempotencyKeyReusedError extends Error {
  constructor(readonly key: string, readonly jobId: string, options?: ErrorOptions) {
    super(`Idempotency-Key "${key}" was already used for job ${jobId} with a different request: use a new key for a new job`, options);
    this.name = 'IdempotencyKeyReusedError';
  }
}

/** A pagination cursor that this store did not issue for this query. */
export class InvalidCursorError extends Error {
  constructor(reason: string, options?: ErrorOptions) {
    super(`invalid cursor: ${reason}; start again without a cursor`, options);
    this.name = 'InvalidCursorError';
  }
}

/** A patch tried to write a field that only the store itself writes. */
export class ProtectedFieldError extends Error {
  constructor(readonly field: string) {
    super(`field "${field}" cannot be patched: the store maintains it`);
    this.name = 'ProtectedFieldError';
  }
}

/** resources/tables.yml does not declare what the store needs. */
export class TableDeclarationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TableDeclarationError';
  }
}

/** An API token was asked for with a bad user or role. */
export class InvalidTokenRequestError extends Error {
  constructor(reason: string) {
    super(`cannot create the token: ${reason}`);
    this.name = 'InvalidTokenRequestError';
  }
}
