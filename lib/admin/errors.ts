/**
 * Every failure of svmsched-admin is an AdminError: bin/svmsched-admin.ts prints its message on
 * one line of stderr and exits with its code. Nothing in lib/admin calls process.exit.
 */
import { CliError } from '../cli/errors';

export const ADMIN_EXIT = {
  ok: 0,
  /** Bad flag or value (commander's own errors too). */
  usage: 2,
  /** DynamoDB unreachable, refused the credentials, or has no such table. */
  store: 3,
  /** OpenNebula unreachable or refused the call (optimize). */
  cloud: 4,
  /** No token has this id. */
  notFound: 5,
  /** The preflight (check) found something that keeps jobs from running. */
  blocked: 6,
  /** A bug, not the operator's doing (EX_SOFTWARE). */
  internal: 70,
} as const;

/** A command-line error like svmschedclient's (same exit-code contract), named for this command. */
export class AdminError extends CliError {
  constructor(exitCode: number, code: string, message: string, options?: ErrorOptions) {
    super(exitCode, code, message, options);
    this.name = 'AdminError';
  }
}

export class AdminUsageError extends AdminError {
  constructor(message: string, options?: ErrorOptions) {
    super(ADMIN_EXIT.usage, 'usage', message, options);
    this.name = 'AdminUsageError';
  }
}

/** The tokens table could not be read or written; the message says which table and where. */
export class TokenStoreError extends AdminError {
  constructor(message: string, options?: ErrorOptions) {
    super(ADMIN_EXIT.store, 'store', message, options);
    this.name = 'TokenStoreError';
  }
}

export class TokenNotFoundError extends AdminError {
  constructor(readonly id: string) {
    super(ADMIN_EXIT.notFound, 'not_found', `no token has id ${id} (see \`svmsched-admin token list\`)`);
    this.name = 'TokenNotFoundError';
  }
}

/** OpenNebula could not be asked for the snapshot (optimize); the message says where and why. */
export class CloudUnavailableError extends AdminError {
  constructor(message: string, options?: ErrorOptions) {
    super(ADMIN_EXIT.cloud, 'opennebula', message, options);
    this.name = 'CloudUnavailableError';
  }
}

/** The configuration file was refused or could not be read. */
export class AdminConfigError extends AdminError {
  constructor(message: string, options?: ErrorOptions) {
    super(ADMIN_EXIT.usage, 'config', message, options);
    this.name = 'AdminConfigError';
  }
}

/** `check` found a blocking failure; the table on stdout says which, and how to fix it. */
export class PreflightFailedError extends AdminError {
  constructor(message: string) {
    super(ADMIN_EXIT.blocked, 'preflight', message);
    this.name = 'PreflightFailedError';
  }
}
