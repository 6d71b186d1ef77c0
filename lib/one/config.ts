/**
 * Where oned is and who we are to it, by OpenNebula's own conventions (the CLI and OCA read the
 * same): explicit options first, else ONE_XMLRPC for the endpoint and the file named by ONE_AUTH
 * (default ~/.one/one_auth) holding `user:password` on its first line.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { OneAuthMissingError } from './errors';

export const DEFAULT_ONE_ENDPOINT = 'http://localhost:2633/RPC2';

export interface OneConnectionOptions {
  readonly endpoint?: string;
  readonly user?: string;
  readonly password?: string;
  /** `user:password` as a whole. */
  readonly session?: string;
  /** A one_auth file to read instead of ONE_AUTH / ~/.one/one_auth. */
  readonly authFile?: string;
}

export interface OneConnection {
  readonly endpoint: string;
  readonly user: string;
  /** `user:password`, the session string of every call. */
  readonly session: string;
}

export function resolveOneConnection(opts: OneConnectionOptions = {}, env: NodeJS.ProcessEnv = process.env): OneConnection {
  const endpoint = nonEmpty(opts.endpoint) ?? nonEmpty(env.ONE_XMLRPC) ?? DEFAULT_ONE_ENDPOINT;
  const session = explicitSession(opts) ?? sessionFromFile(authFilePath(opts, env));
  return { endpoint, user: session.slice(0, session.indexOf(':')), session };
}

function explicitSession(opts: OneConnectionOptions): string | undefined {
  if (nonEmpty(opts.session) !== undefined) return checkSession(opts.session!, 'the session option');
  if (nonEmpty(opts.user) === undefined) return undefined;
  if (opts.password === undefined) throw new OneAuthMissingError(`user ${opts.user} given without a password`);
  return `${opts.user}:${opts.password}`;
}

function authFilePath(opts: OneConnectionOptions, env: NodeJS.ProcessEnv): string {
  return nonEmpty(opts.authFile) ?? nonEmpty(env.ONE_AUTH) ?? join(nonEmpty(env.HOME) ?? homedir(), '.one', 'one_auth');
}

function sessionFromFile(path: string): string {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    throw new OneAuthMissingError(`cannot read ${path} (set ONE_AUTH to a file holding user:password)`, { cause: error });
  }
  // Only the first line counts; a trailing newline or \r\n is not part of the password.
  const line = content.split('\n', 1)[0]!.replace(/\r$/, '');
  return checkSession(line, path);
}

function checkSession(session: string, source: string): string {
  if (session.indexOf(':') <= 0) throw new OneAuthMissingError(`${source} does not hold user:password`);
  return session;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
