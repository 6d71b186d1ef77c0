import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigFileInvalidError } from './errors';
import { isLocalServer, parseServer } from './server';

export const DEFAULT_SERVER = 'http://localhost:3000';
export const ENV_SERVER = 'SVMSCHED_URL';
export const ENV_TOKEN = 'SVMSCHED_TOKEN';

export type SettingSource = 'flag' | 'env' | 'config' | 'local' | 'default' | 'none';

export interface Connection {
  /** Base URL without trailing slash. */
  readonly server: string;
  readonly serverSource: SettingSource;
  readonly token?: string;
  readonly tokenSource: SettingSource;
  /** Where each came from, for `svmschedclient config` and error hints. */
  readonly configPath: string;
  readonly localTokenPath: string;
}

export interface ConnectionInputs {
  readonly flags: { readonly server?: string; readonly token?: string };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly home: string;
  readonly packageRoot: string;
}

interface ConfigFile {
  readonly server?: string;
  readonly token?: string;
}

export const configPathIn = (home: string): string => join(home, '.svmsched', 'config.json');
export const localTokenPathIn = (packageRoot: string): string => join(packageRoot, '.local-data', 'token');

/**
 * Server and token, each from the first place that has it: flags, then environment
 * (SVMSCHED_URL, SVMSCHED_TOKEN), then ~/.svmsched/config.json, then the local stack
 * (http://localhost:3000 and the token it wrote to .local-data/token), so that a clone
 * works against the local stack with no setup.
 */
export function resolveConnection(inputs: ConnectionInputs): Connection {
  const configPath = configPathIn(inputs.home);
  const localTokenPath = localTokenPathIn(inputs.packageRoot);
  const file = readConfigFile(configPath);
  const nonEmpty = (v: string | undefined): string | undefined => (v && v.trim() !== '' ? v.trim() : undefined);

  const serverCandidates: [SettingSource, string | undefined][] = [
    ['flag', nonEmpty(inputs.flags.server)],
    ['env', nonEmpty(inputs.env[ENV_SERVER])],
    ['config', nonEmpty(file.server)],
    ['default', DEFAULT_SERVER],
  ];
  const [serverSource, serverText] = serverCandidates.find(([, v]) => v !== undefined) as [SettingSource, string];
  const server = parseServer(serverText);

  const tokenCandidates: [SettingSource, () => string | undefined][] = [
    ['flag', () => nonEmpty(inputs.flags.token)],
    ['env', () => nonEmpty(inputs.env[ENV_TOKEN])],
    ['config', () => nonEmpty(file.token)],
    // Never send the local stack's token to a server on another machine.
    ['local', () => (isLocalServer(server) ? nonEmpty(readOptional(localTokenPath)) : undefined)],
  ];
  for (const [tokenSource, read] of tokenCandidates) {
    const token = read();
    if (token !== undefined) return { server, serverSource, token, tokenSource, configPath, localTokenPath };
  }
  return { server, serverSource, tokenSource: 'none', configPath, localTokenPath };
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw err;
  }
}

function readConfigFile(path: string): ConfigFile {
  const text = readOptional(path);
  if (text === undefined) return {};
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigFileInvalidError(path, `not JSON (${(err as Error).message})`, { cause: err });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigFileInvalidError(path, 'expected an object like {"server": "...", "token": "..."}');
  }
  const { server, token } = data as Record<string, unknown>;
  for (const [key, value] of Object.entries({ server, token })) {
    if (value !== undefined && typeof value !== 'string') throw new ConfigFileInvalidError(path, `"${key}" must be a string`);
  }
  return { server: server as string | undefined, token: token as string | undefined };
}

/** Enough of a token to tell two apart, never enough to use it. */
export const maskToken = (token: string): string =>
  token.length <= 8 ? '*'.repeat(token.length) : `${token.slice(0, 4)}…${token.slice(-2)} (${token.length} chars)`;
