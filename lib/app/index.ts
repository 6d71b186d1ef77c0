/**
 * The composition root: builds, once per Lambda container, everything the handlers use from
 * the environment (configuration file, DynamoDB, OpenNebula). Handlers call `app()` and one method.
 */
import { LambdaClient, InvokeCommand } from '@aws-sdk/client-lambda';
import { loadConfig, type SvmschedConfig } from '../config';
import { XmlRpcOneClient } from '../one/client';
import { resolveOneConnection } from '../one/config';
import { JobService } from '../jobs/service';
import { TenantService } from '../jobs/tenants';
import { UsageService } from '../jobs/usage';
import { oneCloud } from '../lifecycle/oneCloud';
import { runTick, type TickReport } from '../lifecycle/tick';
import { runOptimize, type OptimizeReport, type OptimizeRunOptions } from '../lifecycle/optimize';
import { crasherFrom } from '../lifecycle/crash';
import { kickTick } from '../lifecycle/kick';
import type { Cloud } from '../lifecycle/ports';
import { countCapacity, createDynamoClient, openStoreWith, tableNamesFromEnv, type Store } from '../store';
import type { Caller } from '../domain/caller';
import { withOnePassword } from './onePassword';
import { MetricsRecorder } from '../metrics/recorder';
import { RecordingJobRepository, type MetricsSink } from '../metrics/recordingRepository';
import { exposition } from '../metrics/exposition';
import { publishEmf } from '../metrics/emf';
import { logger } from '../log';

export interface App {
  readonly config: SvmschedConfig;
  readonly jobs: JobService;
  readonly tenants: TenantService;
  readonly usage: UsageService;
  readonly auth: { verify(token: string): Promise<Caller | undefined> };
  tick(owner: string, budgetMs: number): Promise<TickReport>;
  optimize(owner: string, options: OptimizeRunOptions): Promise<OptimizeReport>;
  /** GET /metrics: the stored counters and the unfinished jobs, in Prometheus' text format (lib/metrics). */
  metrics(): Promise<string>;
}

type Env = Readonly<Record<string, string | undefined>>;

/** ONE_XMLRPC overrides the file's endpoint; ONE_AUTH, when set, names the user:password file (as for the one* commands). */
export function cloudFrom(config: SvmschedConfig, env: Env, onCall?: (method: string, ok: boolean) => void): { cloud: Cloud; endpoint: string } {
  const endpoint = env.ONE_XMLRPC || config.opennebula.endpoint;
  const conn = resolveOneConnection(
    env.ONE_AUTH ? { endpoint } : { endpoint, user: config.opennebula.user, password: config.opennebula.password ?? '' },
    env as NodeJS.ProcessEnv,
  );
  const one = new XmlRpcOneClient({ endpoint: conn.endpoint, session: conn.session, timeoutMs: Number(env.SVMSCHED_ONE_TIMEOUT_MS ?? 15_000), onCall });
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
  // What this container counts (jobs, XML-RPC calls, DynamoDB capacity) until it flushes (lib/metrics/recorder.ts).
  const recorder = new MetricsRecorder();
  const dynamo = countCapacity(createDynamoClient(env));
  const store: Store = openStoreWith(dynamo.client, tableNamesFromEnv(env), config);
  const { cloud } = cloudFrom(config, env, (method, ok) => recorder.xmlrpc(method, ok));
  const clock = () => Date.now();
  const invoke = overrides.invokeTick ?? tickInvoker(env);
  // Added to the stored counters (GET /metrics) and printed for CloudWatch; a failed write loses these counts, never the request.
  const sink: MetricsSink = {
    flush: async () => {
      recorder.capacity(dynamo.counts());
      dynamo.reset();
      const { deltas, observations } = recorder.take();
      publishEmf(observations, env.AWS_LAMBDA_FUNCTION_NAME);
      await store.metrics.add(deltas).catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'metrics not stored'));
    },
  };
  // The API's writes flush as they happen; the tick and the optimiser once, at their end.
  const recorded = new RecordingJobRepository(store.jobs, recorder, sink);
  const ticking = new RecordingJobRepository(store.jobs, recorder);
  // Coalesced: a kick while a tick runs or has just been asked for invokes nothing (lib/lifecycle/kick.ts).
  // Built inside the job service's own member, so only what kicks (submit, cancel, complete) reaches the kick's writes.
  const jobs = new JobService({ repo: recorded, config, cloud, clock, kick: async () => void (invoke && await kickTick({ kicks: store.kicks, invoke, clock })), views: store.clusterViews, arrays: store.arrays });
  const crash = crasherFrom(env.SVMSCHED_CRASH_POINTS);
  return {
    config,
    jobs,
    tenants: new TenantService({ config, views: store.clusterViews }),
    usage: new UsageService({ usage: store.usage, clock }),
    auth: { verify: (token) => store.tokens.verify(token) },
    async tick(owner, budgetMs) {
      const started = performance.now();
      try {
        const report = await runTick({ store: ticking, arrays: store.arrays, leases: store.leases, kicks: store.kicks, views: store.clusterViews, usage: store.tenantUsage, cloud, config, crash, clock, owner }, { budgetMs });
        recorder.tick(report, (performance.now() - started) / 1000);
        return report;
      } catch (err) {
        recorder.tick({ rounds: 0, fixes: 0, actions: 0, waiting: 0, errors: 0 }, (performance.now() - started) / 1000, true);
        throw err;
      } finally {
        await sink.flush();
      }
    },
    async optimize(owner, options) {
      try {
        return await runOptimize({ store: ticking, leases: store.leases, cloud, config, clock, owner }, options);
      } finally {
        await sink.flush();
      }
    },
    metrics: async () => {
      const [counters, unfinished] = await Promise.all([store.metrics.read(), store.jobs.unfinished()]);
      return exposition(counters, unfinished);
    },
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
