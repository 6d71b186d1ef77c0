/**
 * The composition root: builds, once per Lambda container, everything the handlers use from
 * the environment (configuration file, DynamoDB, OpenNebula). Handlers call `app()` and one method.
 */
import { LambdaClient, InvokeCommand } from '@aws-sdk/client-lambda';
import { loadConfig, type SvmschedConfig } from '../config';
import { XmlRpcOneClient } from '../one/client';
import { resolveOneConnection } from '../one/config';
import { JobService } from '../jobs/service';
import { oneCloud } from '../lifecycle/oneCloud';
import { runTick, type TickReport } from '../lifecycle/tick';
import { runOptimize, type OptimizeReport, type OptimizeRunOptions } from '../lifecycle/optimize';
import { crasherFrom } from '../lifecycle/crash';
import { kickTick } from '../lifecycle/kick';
import type { Cloud } from '../lifecycle/ports';
import { openStore, type Store } from '../store';
import type { Caller } from '../domain/caller';
import { withOnePassword } from './onePassword';

export interface App {
  readonly config: SvmschedConfig;
  readonly jobs: JobService;
  readonly auth: { verify(token: string): Promise<Caller | undefined> };
  tick(owner: string, budgetMs: number): Promise<TickReport>;
  optimize(owner: string, options: OptimizeRunOptions): Promise<OptimizeReport>;
}

type Env = Readonly<Record<string, string | undefined>>;

/** ONE_XMLRPC overrides the file's endpoint; ONE_AUTH, when set, names the user:password file (as for the one* commands). */
export function cloudFrom(config: SvmschedConfig, env: Env): { cloud: Cloud; endpoint: string } {
  const endpoint = env.ONE_XMLRPC || config.opennebula.endpoint;
  const conn = resolveOneConnection(
    env.ONE_AUTH ? { endpoint } : { endpoint, user: config.opennebula.user, password: config.opennebula.password ?? '' },
    env as NodeJS.ProcessEnv,
  );
  const one = new XmlRpcOneClient({ endpoint: conn.endpoint, session: conn.session, timeoutMs: Number(env.SVMSCHED_ONE_TIMEOUT_MS ?? 15_000) });
  return { cloud: oneCloud(one), endpoint: conn.endpoint };
}

/** Starts a tick: an asynchronous invoke of the tick function (serverless-offline serves the same API locally). */
function tickInvoker(env: Env): (() => Promise<void>) | undefined {
  const name = env.TICK_FUNCTION;
  if (!name) return undefined;
  const lambda = new LambdaClient({ ...(env.LAMBDA_ENDPOINT ? { endpoint: env.LAMBDA_ENDPOINT } : {}), maxAttempts: 1 });
  return async () => {
    await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: Buffer.from('{"source":"kick"}') }));
  };
}

/** What a test may put in place of the outside world the environment would name. */
export interface AppOverrides {
  /** Starts a tick; by default an asynchronous invoke of TICK_FUNCTION. */
  readonly invokeTick?: () => Promise<void>;
}

export async function buildApp(given: Env = process.env, overrides: AppOverrides = {}): Promise<App> {
  // Once per container (app() caches the app): the password from SSM when the function has one named.
  const env = await withOnePassword(given);
  const loaded = await loadConfig(env.SVMSCHED_CONFIG || 'svmsched.xml', env);
  // Where the VMs call back depends on the deployment (API Gateway URL, or the local stack's port).
  const config: SvmschedConfig = env.SVMSCHED_CALLBACK_URL ? { ...loaded, callbackBaseUrl: env.SVMSCHED_CALLBACK_URL } : loaded;
  const store: Store = openStore(env, config);
  const { cloud } = cloudFrom(config, env);
  const clock = () => Date.now();
  const invoke = overrides.invokeTick ?? tickInvoker(env);
  // Coalesced: a kick while a tick runs or has just been asked for invokes nothing (lib/lifecycle/kick.ts).
  // Built inside the job service's own member, so only what kicks (submit, cancel, complete) reaches the kick's writes.
  const jobs = new JobService({ repo: store.jobs, config, cloud, clock, kick: async () => void (invoke && await kickTick({ kicks: store.kicks, invoke, clock })), views: store.clusterViews, arrays: store.arrays });
  const crash = crasherFrom(env.SVMSCHED_CRASH_POINTS);
  return {
    config,
    jobs,
    auth: { verify: (token) => store.tokens.verify(token) },
    tick: (owner, budgetMs) => runTick({ store: store.jobs, arrays: store.arrays, leases: store.leases, kicks: store.kicks, views: store.clusterViews, cloud, config, crash, clock, owner }, { budgetMs }),
    optimize: (owner, options) => runOptimize({ store: store.jobs, leases: store.leases, cloud, config, clock, owner }, options),
  };
}

let cached: Promise<App> | undefined;

export function app(): Promise<App> {
  cached ??= buildApp().catch((err) => {
    cached = undefined;
    throw err;
  });
  return cached;
}
