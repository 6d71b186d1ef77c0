/**
 * The whole system on one machine: DynamoDB Local (real engine), the OpenNebula simulator, and
 * serverless-offline serving serverless.yml's functions. `npm start` and the end-to-end tests
 * both start it from here. Given a cloud (`cloud`), it starts no simulator: the functions talk
 * to that OpenNebula, with its credentials.
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startDynamoLocal, type DynamoLocal } from './dynamo';
import { startSimulator, type Simulator, type SimulatorOptions } from './sim';
import { startOffline, type Offline } from './offline';
import { freePort } from './ports';
import { loadConfig } from '../lib/config';
import { createTables, tableNames } from '../lib/store/tables';
import { localClientConfig } from '../lib/store/client';
import { openStoreWith } from '../lib/store';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_CONFIG = path.join(ROOT, 'local/svmsched.xml');
export const ONE_PASSWORD = 'opennebula';

/** A real OpenNebula: its XML-RPC endpoint, and a one_auth file or a password for the configuration's user. */
export interface OneTarget {
  readonly endpoint: string;
  readonly auth: { readonly file: string } | { readonly password: string };
}

export interface StackOptions {
  readonly httpPort?: number;
  readonly lambdaPort?: number;
  readonly simPort?: number;
  readonly dynamoPort?: number;
  /** Serverless stage: the table names depend on it. */
  readonly stage?: string;
  readonly configPath?: string;
  /** Where DynamoDB keeps its data (default: in memory). */
  readonly dataDir?: string;
  /** Local folder of the data repository; `copy` puts a fresh copy of local/repository in a temp folder. */
  readonly repositoryDir?: string | 'copy';
  readonly sim?: Omit<SimulatorOptions, 'port' | 'repositoryDir' | 'repositories'>;
  /** Tokens of an earlier start on the same dataDir, kept when the store still knows them (else new ones). */
  readonly tokens?: Partial<StackTokens>;
  /** Extra environment for the functions (e.g. SVMSCHED_CRASH_POINTS). */
  readonly env?: Record<string, string>;
  readonly log?: (line: string) => void;
  /** Another OpenNebula instead of the simulator. */
  readonly cloud?: OneTarget;
  /** Where the VMs call back (default: the API on this machine's loopback). */
  readonly callbackUrl?: string;
}

export interface StackTokens {
  readonly adminToken: string;
  readonly userToken: string;
  readonly otherUserToken: string;
  /** Per tenant of the configuration: a user token for its first user (or `<tenant>-user`), naming the tenant. */
  readonly tenantTokens?: Readonly<Record<string, TenantToken>>;
}

export interface TenantToken {
  readonly user: string;
  readonly token: string;
}

export interface Stack {
  readonly url: string;
  /** serverless-offline's Lambda invoke endpoint (what the functions use to start a tick). */
  readonly lambdaEndpoint: string;
  /** Bearer tokens: an admin, and two plain users. */
  readonly adminToken: string;
  readonly userToken: string;
  readonly otherUserToken: string;
  readonly tenantTokens: Readonly<Record<string, TenantToken>>;
  readonly sim: Simulator;
  /** The OpenNebula endpoint the functions call. */
  readonly oneEndpoint: string;
  readonly dynamoEndpoint: string;
  readonly repositoryDir: string;
  readonly stage: string;
  readonly configPath: string;
  /** The API's process (serverless-offline). */
  readonly apiPid: number;
  stop(): Promise<void>;
}

/** The stack on another OpenNebula: no simulator. */
export type CloudStack = Omit<Stack, 'sim'> & { readonly sim?: undefined };

export function startStack(o?: StackOptions & { cloud?: undefined }): Promise<Stack>;
export function startStack(o: StackOptions & { cloud: OneTarget }): Promise<CloudStack>;
export function startStack(o: StackOptions): Promise<Stack | CloudStack>;
export async function startStack(o: StackOptions = {}): Promise<Stack | CloudStack> {
  const stage = o.stage ?? 'local';
  const configPath = o.configPath ?? DEFAULT_CONFIG;
  const config = await loadConfig(configPath, o.cloud ? process.env : { ...process.env, SVMSCHED_ONE_PASSWORD: ONE_PASSWORD });
  const [httpPort, lambdaPort, simPort, dynamoPort] = await Promise.all([
    o.httpPort ?? freePort(), o.lambdaPort ?? freePort(), o.simPort ?? freePort(), o.dynamoPort ?? freePort(),
  ]);
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
    stops.length = 0;
  };
  try {
    // The repositories the VMs mount, mapped to local folders for the simulator's guests.
    let repositoryDir = config.repositories[0]?.localPath ?? path.join(ROOT, 'local/repository');
    if (o.repositoryDir === 'copy') {
      const dir = await mkdtemp(path.join(tmpdir(), 'svmsched-repo-'));
      await cp(path.join(ROOT, 'local/repository'), dir, { recursive: true });
      repositoryDir = dir;
    } else if (o.repositoryDir) repositoryDir = o.repositoryDir;
    const repositories = Object.fromEntries(config.repositories.map((r, i) => [r.mountPoint, i === 0 ? repositoryDir : r.localPath ?? repositoryDir]));

    if (o.dataDir) await mkdir(o.dataDir, { recursive: true });
    const dynamo: DynamoLocal = await startDynamoLocal({ port: dynamoPort, dbPath: o.dataDir, inMemory: !o.dataDir });
    stops.push(() => dynamo.stop());
    const ddb = new DynamoDBClient(localClientConfig(dynamo.endpoint));
    const names = tableNames(`svmsched-${stage}`);
    await createTables(ddb, names);
    const store = openStoreWith(ddb, names, config);
    const token = async (kept: string | undefined, user: string, role: 'admin' | 'user', tenant?: string) => {
      const known = kept === undefined ? undefined : await store.tokens.verify(kept);
      return known?.user === user && known.role === role && known.tenant === tenant ? kept! : store.tokens.issue(user, role, undefined, tenant);
    };
    const [adminToken, userToken, otherUserToken] = await Promise.all([
      token(o.tokens?.adminToken, 'admin', 'admin'), token(o.tokens?.userToken, 'alice', 'user'), token(o.tokens?.otherUserToken, 'bob', 'user'),
    ]);
    const tenantTokens = Object.fromEntries(await Promise.all(config.tenants.map(async (t): Promise<[string, TenantToken]> => {
      const user = t.users[0]?.id ?? `${t.id}-user`;
      return [t.id, { user, token: await token(o.tokens?.tenantTokens?.[t.id]?.token, user, 'user', t.id) }];
    })));
    ddb.destroy();

    const sim = o.cloud ? undefined : await startSimulator({ ...o.sim, port: simPort, repositories });
    if (sim) stops.push(() => sim.close());
    // What the functions connect with: the simulator's, or the cloud's (ONE_AUTH reaches them as SVMSCHED_ONE_AUTH, see serverless.yml).
    const one = o.cloud
      ? { ONE_XMLRPC: o.cloud.endpoint, SVMSCHED_ONE_PASSWORD: 'password' in o.cloud.auth ? o.cloud.auth.password : '', SVMSCHED_ONE_AUTH: 'file' in o.cloud.auth ? o.cloud.auth.file : '' }
      : { ONE_XMLRPC: sim!.url, SVMSCHED_ONE_PASSWORD: ONE_PASSWORD, SVMSCHED_ONE_AUTH: '' };

    const buildDir = stage === 'local' ? '.esbuild' : `.esbuild-${stage}`;
    if (stage !== 'local') stops.push(() => rm(path.join(ROOT, buildDir), { recursive: true, force: true }));
    const offline: Offline = await startOffline({
      stage, httpPort, lambdaPort, log: o.log,
      env: {
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        ...one,
        SVMSCHED_CONFIG: configPath,
        SVMSCHED_CALLBACK_URL: o.callbackUrl ?? `http://127.0.0.1:${httpPort}`,
        LAMBDA_ENDPOINT: `http://127.0.0.1:${lambdaPort}`,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
        SVMSCHED_BUILD_DIR: buildDir,
        ...o.env,
      },
    });
    stops.push(() => offline.stop());
    return { url: offline.url, lambdaEndpoint: offline.lambdaEndpoint, adminToken, userToken, otherUserToken, tenantTokens, sim, oneEndpoint: one.ONE_XMLRPC, dynamoEndpoint: dynamo.endpoint, repositoryDir, stage, configPath, apiPid: offline.pid, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Writes the admin token where svmschedclient finds it with no setup (.local-data/token). */
export async function writeLocalToken(token: string, url: string, dir = path.join(ROOT, '.local-data')): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'token');
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  await writeFile(path.join(dir, 'server'), `${url}\n`);
  return file;
}
