/**
 * An optimisation run: lease → snapshot and unfinished jobs → plan (lib/sched/optimize) →
 * migrations (when applying) → each migrated job's record follows its VM, with an event in its
 * history. Scheduled runs keep DRS_INTERVAL between two plans and do what the configuration's
 * mode says (off, dry-run, apply); an operator's run (svmsched-admin optimize) plans whenever
 * asked and applies only when told to.
 *
 * Left alone (the tick is moving them this round): VMs of jobs being dispatched, preempted,
 * resumed, or preempted and waiting, and of jobs whose lifetime ends within LIFETIME_MARGIN_MS
 * (not worth a move). A migration the tick races anyway (it preempts a VM on its way) fails in
 * OpenNebula and is repaired by the tick's next round, as any refused call.
 */
import type { Job } from '../domain/job';
import type { OptimizeSettings, SvmschedConfig } from '../config/types';
import { optimize, type OptimizeAction, type OptimizeOptions, type OptimizePlan } from '../sched/optimize';
import { JobStateConflictError } from '../store/errors';
import { logger } from '../log';
import { withLease } from './lease';
import type { Cloud, JobStore, LeaseStore } from './ports';

export interface OptimizeDeps {
  readonly store: Pick<JobStore, 'unfinished' | 'transition'>;
  readonly leases: LeaseStore;
  readonly cloud: Pick<Cloud, 'snapshot' | 'migrate'>;
  readonly config: Pick<SvmschedConfig, 'optimize'>;
  readonly clock: () => number;
  /** Who holds the lease (the invocation id). */
  readonly owner: string;
}

export interface OptimizeRunOptions {
  /** A scheduled run: honours the configured mode and interval. */
  readonly scheduled?: boolean;
  /** Make the migrations; scheduled runs apply when the mode is `apply`. */
  readonly apply?: boolean;
  readonly clusterId?: number;
}

export type MigrationOutcome = 'planned' | 'done' | 'failed';

export interface MigrationRecord {
  readonly action: OptimizeAction;
  readonly outcome: MigrationOutcome;
  readonly error?: string;
}

export interface OptimizeReport {
  readonly skipped?: 'off' | 'lease-held' | 'interval';
  readonly applied: boolean;
  readonly plan?: OptimizePlan;
  readonly migrations: readonly MigrationRecord[];
}

const LEASE = 'optimize';
/** Marks the last scheduled plan: held for one interval, never released. */
const INTERVAL_LEASE = 'optimize-interval';
const LEASE_TTL_MS = 60_000;
/** The schedule fires every interval: a run a little early must not be skipped. */
const INTERVAL_SLACK_MS = 30_000;
const LIFETIME_MARGIN_MS = 5 * 60_000;
const MOVING = new Set<Job['state']>(['DISPATCHING', 'PREEMPTING', 'PREEMPTED', 'RESUMING']);

/** The configuration's <optimize> as the core's options. */
export function optimizeOptions(o: OptimizeSettings, leaveAlone: Iterable<number>, clusterId?: number): OptimizeOptions {
  return {
    ...(clusterId !== undefined ? { clusterId } : {}),
    policy: o.policy,
    thresholds: { migration: o.migrationThreshold, hostMigration: o.hostMigrationThreshold, dsMigration: o.dsMigrationThreshold },
    weights: o.weights,
    predictive: o.predictive,
    maxActionsPerHost: o.maxActionsPerHost,
    maxActionsPerCluster: o.maxActionsPerCluster,
    leaveAlone,
  };
}

/** VMs the tick is moving now, or soon ended: not the optimiser's to move. */
export function vmsToLeaveAlone(jobs: readonly Job[], now: number): Set<number> {
  const out = new Set<number>();
  for (const j of jobs) {
    if (j.vmId === undefined) continue;
    const ending = j.lifetimeEndsAt !== undefined && Date.parse(j.lifetimeEndsAt) - now < LIFETIME_MARGIN_MS;
    if (MOVING.has(j.state) || ending) out.add(j.vmId);
  }
  return out;
}

export async function runOptimize(deps: OptimizeDeps, options: OptimizeRunOptions = {}): Promise<OptimizeReport> {
  const settings = deps.config.optimize;
  if (options.scheduled && settings.mode === 'off') return { skipped: 'off', applied: false, migrations: [] };
  const apply = options.apply ?? (options.scheduled === true && settings.mode === 'apply');
  const outcome = await withLease({ leases: deps.leases, name: LEASE, owner: deps.owner, ttlMs: LEASE_TTL_MS, clock: deps.clock }, async (lease) => {
    if (options.scheduled && !(await deps.leases.acquire(INTERVAL_LEASE, deps.owner, settings.interval * 1000 - INTERVAL_SLACK_MS, deps.clock()))) {
      return { skipped: 'interval' as const, applied: false, migrations: [] };
    }
    const [jobs, snapshot] = await Promise.all([deps.store.unfinished(), deps.cloud.snapshot()]);
    const plan = optimize(snapshot, optimizeOptions(settings, vmsToLeaveAlone(jobs, deps.clock()), options.clusterId));
    logger.info({ before: plan.objectiveBefore, after: plan.objectiveAfter, migrations: plan.actions.length, reasons: plan.reasons, apply }, 'optimisation plan');
    if (!apply) return { applied: false, plan, migrations: plan.actions.map((action) => ({ action, outcome: 'planned' as const })) };
    const byId = new Map(jobs.map((j) => [j.id, j]));
    const hostNames = new Map(snapshot.hosts.map((h) => [h.id, h.name]));
    const migrations: MigrationRecord[] = [];
    for (const action of plan.actions) {
      if (!(await lease.keep())) break;
      migrations.push(await migrate(deps, action, byId, hostNames, settings));
    }
    return { applied: true, plan, migrations };
  });
  return outcome.held ? outcome.value : { skipped: 'lease-held', applied: false, migrations: [] };
}

async function migrate(deps: OptimizeDeps, action: OptimizeAction, jobs: ReadonlyMap<string, Job>, hostNames: ReadonlyMap<number, string>, settings: OptimizeSettings): Promise<MigrationRecord> {
  try {
    // enforce: OpenNebula checks the room again, in case the snapshot is already old. The VM keeps its system datastore.
    await deps.cloud.migrate(action.vmId, action.hostId, settings.live, true);
  } catch (err) {
    logger.warn({ vmId: action.vmId, hostId: action.hostId, err: (err as Error).message }, 'optimisation migration refused; the next plan looks again');
    return { action, outcome: 'failed', error: (err as Error).message };
  }
  logger.info({ vmId: action.vmId, from: action.fromHostId, to: action.hostId, jobId: action.jobId }, 'optimisation migration');
  const job = action.jobId !== undefined ? jobs.get(action.jobId) : undefined;
  if (job && job.state === 'RUNNING' && job.vmId === action.vmId) {
    const from = hostNames.get(action.fromHostId) ?? String(action.fromHostId);
    const hostName = hostNames.get(action.hostId);
    try {
      await deps.store.transition(job.id, 'RUNNING', 'RUNNING', { hostId: action.hostId, ...(hostName ? { hostName } : {}) },
        { reason: `migrated from host ${from} to host ${hostName ?? action.hostId} to ${settings.policy} the cluster`, hostId: action.hostId, hostName, vmId: action.vmId });
    } catch (err) {
      // The job moved on meanwhile (ended, preempted), or the store failed: the VM did move, and
      // the tick's reconcile points the job at its host.
      if (!(err instanceof JobStateConflictError)) logger.warn({ jobId: job.id, err: (err as Error).message }, 'migrated job not recorded; reconcile will follow its VM');
    }
  }
  return { action, outcome: 'done' };
}
