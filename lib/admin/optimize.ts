/**
 * svmsched-admin optimize: the optimisation plan for the cloud now, as a table (or JSON), and
 * with --apply the migrations made, exactly as a scheduled run in `apply` mode makes them
 * (lib/lifecycle/optimize.ts: its lease, the jobs' records). It plans whatever the configured
 * mode, with the configured policy, thresholds and weights.
 */
import { adminConfig } from './config';
import { cloudFrom } from '../app';
import { runOptimize, type OptimizeReport } from '../lifecycle/optimize';
import { OneAuthMissingError, OneError, OneProtocolError, OneUnavailableError, OneXmlError } from '../one/errors';
import { openStore } from '../store';
import { escapeTerminalDeep } from '../cli/format/escape';
import { renderTable } from '../cli/format/table';
import { logger } from '../log';
import { AdminError, CloudUnavailableError } from './errors';
import { storeEnv, storeFailure, type Env, type StoreOptions } from './tokenStore';

export interface OptimizeCommandOptions extends StoreOptions {
  readonly apply?: boolean;
  readonly cluster?: number;
  /** The svmsched XML configuration (default: $SVMSCHED_CONFIG, else svmsched.xml). */
  readonly config?: string;
}

export async function optimizeCommand(o: OptimizeCommandOptions, env: Env): Promise<OptimizeReport> {
  // The report says everything the run logs; stdout is the operator's (and --json's).
  if (env.LOG_LEVEL === undefined) logger.level = 'silent';
  const config = await adminConfig(o.config, env);
  const { env: merged, names, where } = storeEnv(o, env);
  let endpoint = config.opennebula.endpoint;
  try {
    const built = cloudFrom(config, merged);
    endpoint = built.endpoint;
    const store = openStore(merged, config);
    return await runOptimize({ store: store.jobs, leases: store.leases, cloud: built.cloud, config, clock: () => Date.now(), owner: `svmsched-admin-${process.pid}` }, {
      apply: o.apply === true, ...(o.cluster !== undefined ? { clusterId: o.cluster } : {}),
    });
  } catch (err) {
    if (err instanceof AdminError) throw err;
    if (err instanceof OneError || err instanceof OneUnavailableError || err instanceof OneProtocolError || err instanceof OneXmlError || err instanceof OneAuthMissingError) {
      throw new CloudUnavailableError(`OpenNebula at ${endpoint}: ${(err as Error).message}`, { cause: err });
    }
    throw storeFailure(err, { table: names.jobs, where });
  }
}

const objective = (x: number) => x.toFixed(4);

/** The plan as people read it: one line per cluster, the migrations as a table, what happened. */
export function formatOptimizeReport(raw: OptimizeReport): string {
  // Host names and errors come from OpenNebula: escaped before they reach the terminal.
  const r = escapeTerminalDeep(raw);
  if (r.skipped === 'lease-held') return 'another optimisation run holds the lease: try again in a minute\n';
  const plan = r.plan!;
  const lines = [...plan.reasons.map((s) => `${s}\n`)];
  if (r.migrations.length > 0) {
    lines.push(renderTable(['VM', 'JOB', 'FROM', 'TO', 'RESULT'], r.migrations.map((m) => [
      m.action.vmId, m.action.jobId ?? '-', m.action.fromHostId, m.action.hostId, m.outcome === 'failed' ? `failed: ${m.error ?? ''}` : m.outcome,
    ])));
  }
  lines.push(`objective ${objective(plan.objectiveBefore)} → ${objective(plan.objectiveAfter)}${r.applied || r.migrations.length === 0 ? '' : ' (recommendations: --apply makes these migrations)'}\n`);
  return lines.join('');
}
