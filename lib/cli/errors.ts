/**
 * Every failure of the command line is a CliError: bin/svmschedclient.ts prints its message on
 * one line of stderr and exits with its code. Nothing else in lib/cli calls process.exit.
 */
export const EXIT = {
  ok: 0,
  /** The job ended FAILED, CANCELLED or EXPIRED (with --wait), or its state refused the request. */
  jobUnsuccessful: 1,
  /** Bad flag, bad value, or a request the server refused as invalid (400). */
  usage: 2,
  /** Server unreachable, timed out, or answered 5xx / something that is not the API. */
  server: 3,
  /** No token, bad token (401), or someone else's job (403). */
  auth: 4,
  /** No such job (404). */
  notFound: 5,
  /** Ctrl-C while following a job; the job itself goes on. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(EXIT.usage, code, message, options);
    this.name = 'UsageError';
  }
}

export class ConfigFileInvalidError extends CliError {
  constructor(readonly path: string, reason: string, options?: ErrorOptions) {
    super(EXIT.usage, 'config.invalid', `config file ${path} is not usable: ${reason}; fix or remove it`, options);
    this.name = 'ConfigFileInvalidError';
  }
}

export class ServerUnreachableError extends CliError {
  constructor(readonly server: string, reason: string, options?: ErrorOptions) {
    super(EXIT.server, 'server.unreachable',
      `cannot reach svmsched at ${server} (${reason}); check -H/--server or SVMSCHED_URL`, options);
    this.name = 'ServerUnreachableError';
  }
}

export class ServerError extends CliError {
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(EXIT.server, code, message, options);
    this.name = 'ServerError';
  }
}

export class AuthError extends CliError {
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(EXIT.auth, code, message, options);
    this.name = 'AuthError';
  }
}

export class JobNotFoundError extends CliError {
  constructor(message: string, options?: ErrorOptions) {
    super(EXIT.notFound, 'not_found', message, options);
    this.name = 'JobNotFoundError';
  }
}

export class JobConflictError extends CliError {
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(EXIT.jobUnsuccessful, code, message, options);
    this.name = 'JobConflictError';
  }
}

/** A followed job ended in a state other than COMPLETED. */
export class JobUnsuccessfulError extends CliError {
  constructor(readonly jobId: string, readonly state: string, reason?: string) {
    super(EXIT.jobUnsuccessful, `job.${state.toLowerCase()}`,
      `job ${jobId} ended ${state}${reason ? `: ${reason}` : ''}`);
    this.name = 'JobUnsuccessfulError';
  }
}

export class InterruptedError extends CliError {
  constructor(readonly jobId: string) {
    super(EXIT.interrupted, 'interrupted',
      `stopped following job ${jobId}; it goes on (svmschedclient status ${jobId} --wait)`);
    this.name = 'InterruptedError';
  }
}
