import type { Job } from '../domain/job';
import type { Snapshot } from '../sched/snapshot';
import type { SvmschedConfig } from '../config/types';
import { plan, type TenantSummary, type UsageRecord } from '../sched';
import type { ArrayStore, Cloud, ClusterViewStore, JobStore, KickStore, LeaseStore, UsageStore } from './ports';
import { advanceArrays } from './arrays';
import { gate } from './dependencies';
import { recordCluster } from './clusterRecord';
import { reconcile } from './reconcile';
import { toPlanInput } from './planInput';
import { withSharing } from './sharing';
import { applyAction, applyFix, type StepContext } from './execute';
import type { Crasher } from './crash';
import { logger } from '../log';
import { JobStateConflictError } from '../store/errors';
import { withLease } from './lease';
import { vmPhase, type VmPhase } from './vmPhase';

export interface TickDeps {
  readonly store: JobStore;
  readonly leases: LeaseStore;
  readonly cloud: Cloud;
  readonly config: SvmschedConfig;
  readonly crash: Crasher;
  readonly clock: () => number;
  /** Who holds the lease (the invocation id). */
  readonly owner: string;
  /** Kicks counted on the lease (lib/lifecycle/kick.ts): a kick that arrives while the tick runs gets another round. */
  readonly kicks?: KickStore;
  /** Where the tick leaves the cluster view GET /cluster answers with. */
  readonly views?: ClusterViewStore;
  /** Where the tenants' decayed usage is kept from one tick to the next (with tenants in the file). */
  readonly usage?: UsageStore;
  /** Job arrays, whose next elements the tick makes as they could run (lib/lifecycle/arrays.ts). */
  readonly arrays?: ArrayStore;
}

export interface TickOptions {
  /** How long a tick may keep settling in-flight jobs before it leaves them to the next one. */
  readonly budgetMs?: number;
  /** Pause between two rounds while VMs are on their way. */
  readonly settleMs?: number;
}

export interface TickReport {
  readonly skipped?: 'lease-held';
  readonly rounds: number;
  readonly fixes: number;
  readonly actions: number;
  readonly waiting: number;
  readonly errors: number;
  /** Rounds run for kicks that arrived while the tick ran. */
  readonly kicked?: number;
  /** Seconds each round's plan() took (for metrics). */
  readonly planSeconds?: readonly number[];
}

/** The tick's lease; kicks are counted on its item. */
export const TICK_LEASE = 'tick';
const LEASE_TTL_MS = 60_000;
/** While jobs are on their way, the cluster view is saved at most this often (and on a tick's first and last rounds). */
export const VIEW_EVERY_MS = 3_000;
const IN_FLIGHT = new Set<Job['state']>(['DISPATCHING', 'PREEMPTING', 'RESUMING']);
/** VM phases on their way to giving their host's room back. */
const FREEING = new Set<VmPhase>(['ending', 'saving']);

/** The lease expired under a long round and another tick may hold it: stop acting at once. */
export class LeaseLostError extends Error {
  constructor() {
    super('tick lease lost');
    this.name = 'LeaseLostError';
  }
}


async function each<T>(items: readonly T[], step: (item: T) => Promise<void>, what: string): Promise<number> {
  let errors = 0;
  for (const item of items) {
    try {
      await step(item);
    } catch (err) {
      if ((err as Error)?.name === 'CrashInjected' || err instanceof LeaseLostError) throw err;
      if (err instanceof JobStateConflictError) continue;
      errors++;
      logger.warn({ err: (err as Error).message, item }, `${what} failed; the next round repairs it`);
    }
  }
  return errors;
}

/**
 * One tick: lease → snapshot → reconcile → plan → execute, in rounds while jobs are on their
 * way (so a job that fits starts within seconds), within a time budget.
 */
export async function runTick(deps: TickDeps, options: TickOptions = {}): Promise<TickReport> {
  const budget = options.budgetMs ?? 20_000;
  const settle = options.settleMs ?? 1_000;
  const started = deps.clock();
  const outcome = await withLease({ leases: deps.leases, name: TICK_LEASE, owner: deps.owner, ttlMs: LEASE_TTL_MS, clock: deps.clock }, async (lease) => {
    const report = { rounds: 0, fixes: 0, actions: 0, waiting: 0, errors: 0, kicked: 0, planSeconds: [] as number[] };
    const kicks = deps.kicks;
    // The cluster view: from each round's observation, saved every few seconds while jobs are
    // on their way, and always before the tick lets go (what it saw last is what stays).
    let viewSavedAt = -Infinity;
    let unsaved: { jobs: readonly Job[]; snapshot: Snapshot; at: number; tenants: () => TenantSummary[] } | undefined;
    const seenCluster: Seen = async (jobs, snapshot, at, tenants) => {
      unsaved = { jobs, snapshot, at, tenants };
      await saveView(false);
    };
    const saveView = async (last: boolean) => {
      if (!deps.views || !unsaved || (!last && unsaved.at - viewSavedAt < VIEW_EVERY_MS)) return;
      const { jobs, snapshot, at, tenants } = unsaved;
      unsaved = undefined;
      viewSavedAt = at;
      await deps.views.save({ ...recordCluster(snapshot, jobs, at), tenants: tenants() }).catch((err: unknown) => {
        logger.warn({ err: (err as Error).message }, 'cluster view not saved; GET /cluster shows an older one');
      });
    };
    // Usage decays and grows round by round in memory; it is read once and saved once a tick.
    const sharing: SharingState = { usage: await loadUsage(deps) };
    const loaded = sharing.usage;
    for (;;) {
      // A short lease, renewed every round: a tick that dies holds the others off for a minute
      // at most, and one that lost its lease (a round longer than the lease) stops at once.
      if (report.rounds > 0 && !(await lease.keep(true))) break;
      // Read before this round looks at the queue: a kick counted after it gets another round.
      const seen = kicks ? await kicks.kicks(TICK_LEASE) : 0;
      report.rounds++;
      const again = await round(deps, report, () => lease.keep(), seenCluster, sharing);
      // Read once: read twice, the clock could pass the budget between the save and the stop, and the tick would leave without saving what it saw last.
      const outOfTime = deps.clock() - started + settle > budget;
      if (!again || outOfTime) await saveView(true);
      if (outOfTime) break;
      if (!again) {
        // Nothing on its way: let go, unless a kick came in meanwhile (then it is this tick's to serve).
        if (!kicks) break;
        // 'lost' (no longer ours) ends it too: another tick holds the lease and serves the kick.
        if (await lease.handBack(async () => (await kicks.releaseUnlessKicked(TICK_LEASE, deps.owner, seen)) !== 'kicked')) break;
        report.kicked++;
      }
      // A pause between rounds also gathers the kicks of a burst of submits into one round.
      await new Promise((r) => setTimeout(r, settle));
    }
    if (deps.usage && sharing.usage !== undefined && sharing.usage !== loaded) {
      await deps.usage.save(sharing.usage).catch((err: unknown) => {
        // The next tick integrates from the last record it finds: nothing is lost but jobs that end meanwhile.
        logger.warn({ err: (err as Error).message }, 'tenant usage not saved; the next tick goes on from the last record');
      });
    }
    return report;
  }, () => deps.crash('after-lease'));
  return outcome.held ? outcome.value : { skipped: 'lease-held', rounds: 0, fixes: 0, actions: 0, waiting: 0, errors: 0 };
}

type Seen = (jobs: readonly Job[], snapshot: Snapshot, at: number, tenants: () => TenantSummary[]) => Promise<void>;

/** The tenants' usage as of the last plan (lib/lifecycle/sharing.ts). */
interface SharingState { usage: UsageRecord | undefined }

async function loadUsage(deps: TickDeps): Promise<UsageRecord | undefined> {
  if (!deps.usage || deps.config.tenants.length === 0) return undefined;
  return deps.usage.latest().catch((err: unknown) => {
    // Fairness without history for one tick rather than no tick: usage starts again from now.
    logger.warn({ err: (err as Error).message }, 'tenant usage not read; this tick orders tenants without their past usage');
    return undefined;
  });
}

async function observe(deps: TickDeps) {
  const [jobs, snapshot] = await Promise.all([deps.store.unfinished(), deps.cloud.snapshot()]);
  return { jobs, snapshot };
}

function context(deps: TickDeps, jobs: readonly Job[], snapshot: Awaited<ReturnType<Cloud['snapshot']>>): StepContext {
  return {
    store: deps.store, cloud: deps.cloud, config: deps.config, crash: deps.crash, now: deps.clock,
    jobs: new Map(jobs.map((j) => [j.id, j])),
    vms: new Map(snapshot.vms.map((v) => [v.id, v])),
    hostNames: new Map(snapshot.hosts.map((h) => [h.id, h.name])),
  };
}

/** One round; true when something is still on its way and another round soon would help. */
async function round(
  deps: TickDeps, report: { fixes: number; actions: number; waiting: number; errors: number; planSeconds: number[] }, keep: () => Promise<boolean>,
  seen: Seen, sharing: SharingState,
): Promise<boolean> {
  let { jobs, snapshot } = await observe(deps);
  const fixes = reconcile({
    jobs, vms: snapshot.vms, now: deps.clock(), maxAttempts: deps.config.jobs.maxAttempts,
    retryPolicy: (id) => deps.config.services.find((s) => s.id === id)?.retry,
  });
  if (fixes.length > 0) {
    report.fixes += fixes.length;
    const fixing = context(deps, jobs, snapshot);
    report.errors += await each(fixes, (f) => applyFix(fixing, f), 'reconcile');
    ({ jobs, snapshot } = await observe(deps));
  }
  const now = deps.clock();
  // Arrays' next elements join this round's plan; an array that made some keeps the tick going.
  const arrays = deps.arrays ? await advanceArrays(deps.arrays, jobs, now) : { made: [], ended: 0, arrays: [] };
  if (arrays.made.length > 0) jobs = [...jobs, ...arrays.made];
  // Jobs whose dependencies have not ended as they need stay out of the plan (./dependencies.ts).
  const gated = await gate(deps.store, jobs, arrays.arrays);
  let released = 0;
  report.errors += await each([...gated.verdicts], async ([id, v]) => {
    const job = jobs.find((j) => j.id === id)!;
    if (v.type === 'fail') {
      await deps.store.transition(id, 'QUEUED', 'FAILED', {}, { reason: v.reason });
      released++;
    } else if (v.type === 'ready') {
      await deps.store.patch(id, 'QUEUED', { dependsOn: null });
      released++;
    } else if (job.reason !== v.reason) {
      await deps.store.patch(id, 'QUEUED', { reason: v.reason });
    }
  }, 'dependency');
  const planned = jobs.filter((j) => !gated.held.has(j.id) || gated.verdicts.get(j.id)?.type === 'ready');
  const shared = withSharing(toPlanInput(planned, snapshot, deps.config, now), deps.config, sharing.usage);
  sharing.usage = shared.usage;
  await seen(jobs, snapshot, now, shared.tenants);
  const planning = performance.now();
  const result = plan(shared.input);
  report.planSeconds.push((performance.now() - planning) / 1000);
  const ctx = context(deps, jobs, snapshot);
  report.actions += result.actions.length;
  report.errors += await each(result.actions, async (a) => {
    if (!(await keep())) throw new LeaseLostError();
    await applyAction(ctx, a);
  }, 'action');
  report.waiting = result.waiting.size;
  // The planner's reason for each waiting job, written only when it changed.
  const reasons = [...result.waiting].filter(([id, w]) => ctx.jobs.get(id)?.reason !== w.message);
  report.errors += await each(reasons, async ([id, w]) => {
    const job = ctx.jobs.get(id)!;
    await deps.store.patch(id, job.state, { reason: w.message });
  }, 'reason');
  const deferred = result.actions.some((a) => a.type === 'deployAfterVictims');
  // A lifetime ending within the next half minute: stay to record it when OpenNebula ends the VM.
  const ending = jobs.some((j) => j.lifetimeEndsAt !== undefined && Date.parse(j.lifetimeEndsAt) - now < 30_000);
  const moving = result.actions.some((a) => a.type !== 'fail') || jobs.some((j) => IN_FLIGHT.has(j.state)) || fixes.length > 0 || arrays.made.length > 0 || released > 0;
  // Room on its way: a VM of ours shutting down or saving (a cancelled or finished job's, a
  // preemption's) still holds its host until oned has ended it; a job waits for that room, so
  // stay and place it as soon as the VM is gone rather than at the next scheduled tick.
  const freeing = result.waiting.size > 0 && snapshot.vms.some((v) => v.jobId !== undefined && FREEING.has(vmPhase(v)));
  return deferred || moving || ending || freeing;
}
