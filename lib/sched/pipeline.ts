/**
 * plan(): the scheduling core, a pure function of its input (no clock, no randomness; the
 * same input in any order of hosts, datastores, networks, running jobs or queue gives the
 * same plan). Phases, in order:
 *
 *   0. deadlines  — terminate jobs whose lifetime is over (their room counts for this plan)
 *   1. compile    — each distinct expression once; jobs become PreparedJobs (groups, datastores, networks)
 *   2. filter     — requirements (per group), capacity, datastore, network
 *   3. score      — rank policy (snapshot ranks, or dynamic ranks that see the plan's promises)
 *   4. select     — best-ranked host that passes every filter
 *   5. preempt    — a prod job that fits nowhere takes beff room on one host
 *   5'. share     — with PlanInput.sharing (sharing/phase.ts): fair order among tenants,
 *                   tenant limits, and reclaim (preemption of borrowed room) instead of 5
 *   6. plan       — actions in decision order; reasons for every job left waiting; pending deadlines
 *
 * Order and starvation (design note): jobs are taken prod first, then by priority, then
 * oldest. With `backfill: 'greedy'` (absent; the placer's) a job that does not fit does not
 * block the queue: the next job is tried anyway, so a small job starts past a large one that
 * cannot fit now. The trade-off of backfill without reservations: room freed in fragments can
 * keep going to smaller jobs, and a large job can wait for ever. With `backfill: 'easy'` the
 * first job waiting for room gets a reservation (host and instant, from running jobs'
 * expected ends) and later jobs start only where they cannot delay it (lib/sched/backfill.ts);
 * `'none'` is strict order. A prod job is also protected by preemption (beff room on one
 * matching host is always taken for it); a beff job is bounded by its pending deadline, which
 * fails it with the reason it waited.
 */
import { createBackfiller } from './backfill';
import { ExprCache, requirementStepLimit } from './exprCache';
import { capacityFilter } from './filters/capacity';
import { datastoreFilter } from './filters/datastore';
import { excludedFilter } from './filters/excluded';
import { networkFilter } from './filters/network';
import { requirementsFilter } from './filters/requirements';
import { cpuShare, memoryKb } from './capacity';
import { FailureCache } from './failureCache';
import { GroupRegistry } from './groups';
import { Ledger } from './ledger';
import { pendingDeadlineMessage, terminateExpired } from './lifetimes';
import type { Snapshot } from './snapshot';
import { compareIds, orderQueue } from './order';
import type { Filter, FilterContext, Placement, PreparedJob, RejectCode } from './filter';
import { createPreemptor, type PreemptionCandidate } from './preempt';
import { JobPreparer } from './prepare';
import { explainWait } from './reasons';
import { reschedEntries } from './resched';
import { confirmHost } from './filters/chain';
import { commitPlacement, imageDatastoresFit, selectHost } from './select';
import { SharingPhase } from './sharing/phase';
import type { ReclaimCandidate } from './sharing/reclaim';
import type { Action, DeployAction, DeployAfterVictimsAction, Plan, PlanInput, RunningJob, WaitReason } from './contract';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const NO_REJECTIONS: ReadonlyMap<RejectCode, number> = new Map();

const byId = <T extends { readonly id: number }>(a: T, b: T): number => a.id - b.id;

function canonical(s: Snapshot): Snapshot {
  return {
    hosts: [...s.hosts].sort(byId),
    clusters: [...s.clusters].sort(byId),
    datastores: [...s.datastores].sort(byId),
    vnets: [...s.vnets].sort(byId),
    vms: [...s.vms].sort(byId),
  };
}

export function plan(input: PlanInput): Plan {
  const { policy, now } = input;
  const snapshot = canonical(input.snapshot);
  const running = [...input.running].sort((a, b) => compareIds(a.id, b.id));
  const actions: Action[] = [];
  const waiting = new Map<string, WaitReason>();
  const maxHost = policy.maxHost ?? 0;
  for (const field of ['maxRequirementSteps', 'maxPlanRequirementSteps'] as const) {
    const steps = policy[field];
    if (steps !== undefined && !(steps > 0)) throw new RangeError(`policy.${field} must be a number of steps above 0, not ${steps}`);
  }

  const ledger = new Ledger(snapshot.hosts, snapshot.clusters, snapshot.datastores, snapshot.vnets, policy.applyReserved);

  // 0. Deadlines first: an expired job's room is free for this plan.
  const ended = terminateExpired(running, ledger, now, actions);
  for (const r of running) {
    const i = ledger.hostIndexById.get(r.hostId);
    if (!ended.has(r.id) && r.state === 'PREEMPTED' && r.preemptMode === 'suspend' && i !== undefined) {
      ledger.hold(i, cpuShare(r.cpu), memoryKb(r.memoryMb));
    }
  }

  const backfill = createBackfiller(policy.backfill ?? 'greedy', ledger, running, ended, now);
  const resched = reschedEntries(snapshot, input.queue, running);
  const synthetic = new Set(resched.filter((j) => j.id.startsWith('vm-')).map((j) => j.id));
  const queue = orderQueue([...input.queue.filter((j) => !ended.has(j.id)), ...resched]);

  // 1. Compile.
  const exprs = new ExprCache(requirementStepLimit(policy, queue));
  const registry = new GroupRegistry(ledger, exprs, policy.rankMode === 'dynamic', maxHost);
  // 2. Filters, in the order a host must pass them (run by filters/chain.ts). EASY: the reserved
  //    host is kept for its job, a filter on placements only (preemption filters drop it with capacity).
  const placementFilters: readonly Filter[] = [
    requirementsFilter(registry), excludedFilter, capacityFilter(maxHost),
    ...(policy.backfill === 'easy' ? [backfill.filter] : []),
    datastoreFilter, networkFilter,
  ];
  const ctx: FilterContext = {
    ledger, differentVnets: policy.differentVnets, dynamicRanks: policy.rankMode === 'dynamic',
    placementFilters, preemptionFilters: placementFilters.filter((f) => f.name !== 'capacity' && f.name !== 'reservation'),
  };
  const preparer = new JobPreparer(ledger, registry, exprs, policy);

  const beffByHost = new Map<number, RunningJob[]>();
  for (const r of running) {
    const i = ledger.hostIndexById.get(r.hostId);
    if (r.class !== 'beff' || r.state !== 'RUNNING' || ended.has(r.id) || i === undefined) continue;
    const list = beffByHost.get(i);
    if (list) list.push(r);
    else beffByHost.set(i, [r]);
  }
  // With sharing, reclaim replaces today's preemption search (it knows tenants).
  const sharing = input.sharing
    ? new SharingPhase(input.sharing, snapshot, policy.applyReserved, running.filter((r) => !ended.has(r.id)), ledger, beffByHost, now, maxHost)
    : undefined;
  const preemptor = sharing ? undefined : createPreemptor(ledger, beffByHost, now, maxHost);
  const failures = new FailureCache(sharing);
  let placed = 0;

  const emit = (job: PreparedJob, p: Placement, victims?: readonly string[]): void => {
    const hostId = ledger.hosts[p.hostIndex].host.id;
    const j = job.job;
    const shadow = backfill.placed(job, p.hostIndex);
    if (job.kind === 'migrate') {
      actions.push({ type: 'migrate', ...(synthetic.has(j.id) ? {} : { jobId: j.id }), vmId: j.vmId!, hostId, datastoreId: p.datastoreId });
    } else if (job.kind === 'deploy' && victims && p.enforce) {
      // Room booked by OpenNebula until the victims have left (none of them suspended, see DeployAction.enforce).
      const deploy: Mutable<DeployAfterVictimsAction> = { type: 'deployAfterVictims', jobId: j.id, hostId, datastoreId: p.datastoreId, nics: p.nics, victims };
      if (j.vmId !== undefined) deploy.vmId = j.vmId;
      actions.push(deploy);
    } else if (job.kind === 'deploy') {
      // Optional keys set by assignment: spreading temporary objects costs more than the rest of a dispatch.
      const deploy: Mutable<DeployAction> = { type: 'deploy', jobId: j.id, hostId, datastoreId: p.datastoreId, nics: p.nics, enforce: p.enforce };
      if (j.vmId !== undefined) deploy.vmId = j.vmId;
      if (shadow) deploy.shadow = shadow;
      actions.push(deploy);
    } else {
      actions.push({ type: 'resume', jobId: j.id, vmId: j.vmId!, hostId, datastoreId: p.datastoreId, nics: p.nics, enforce: p.enforce, ...(shadow ? { shadow } : {}) });
    }
    commitPlacement(ctx, job, p);
    sharing?.placed(job);
    placed++;
  };

  const preempt = (job: PreparedJob, c: PreemptionCandidate | ReclaimCandidate): boolean => {
    const host = ledger.hosts[c.hostIndex].host;
    for (const v of c.victims) {
      actions.push({
        type: 'preempt', jobId: v.id, vmId: v.vmId, hostId: host.id, mode: v.preemptMode, byJobId: job.job.id,
        reason: sharing
          ? sharing.victimReason(job, v, host.id, host.name)
          : `prod job ${job.job.id} needs ${job.cpu / 100} CPU and ${job.mem / 1024} MB and no host had room; best-effort jobs on host ${host.id} (${host.name}) give way.`,
      });
      const cpu = cpuShare(v.cpu);
      const mem = memoryKb(v.memoryMb);
      if (v.preemptMode === 'suspend') ledger.hold(c.hostIndex, cpu, mem);
      else ledger.release(c.hostIndex, cpu, mem);
    }
    const gone = new Set(c.victims.map((v) => v.id));
    if (sharing) sharing.preempted(job, c);
    else preemptor!.preempted(c as PreemptionCandidate);
    failures.roomFreed();
    // The dry run already counted the victims' room (physical room for suspended ones).
    const confirmed = confirmHost(ctx, job, c.hostIndex, ctx.preemptionFilters);
    if (!confirmed.ok) {
      sharing?.roomLeft(job, c);
      return false;
    }
    const enforce = ledger.fitsBooked(c.hostIndex, job.cpu, job.mem);
    emit(job, { hostIndex: c.hostIndex, datastoreId: confirmed.datastoreId, nics: confirmed.nics, enforce }, [...gone]);
    return true;
  };

  let preemptionOver = false;
  const step = (job: (typeof queue)[number], order: number): void => {
    if (!preemptionOver && job.class !== 'prod' && preemptor) {
      // Queue order puts every prod job first: past them nobody preempts any more.
      preemptionOver = true;
      preemptor.end();
    }
    const blocked = backfill.blocked();
    if (blocked) {
      waiting.set(job.id, blocked);
      return;
    }
    const p = preparer.prepare(job, order);
    const limited = sharing?.limit(p);
    if (limited) {
      waiting.set(job.id, limited);
      return;
    }
    const canPreempt = policy.preemption && (sharing ? sharing.canPreempt(p) : job.class === 'prod' && (p.kind === 'deploy' || p.kind === 'resume'));
    const shape = failures.key(p, canPreempt);
    const key = shape === undefined ? undefined : shape + backfill.cacheKey(p);
    const part = sharing ? sharing.cacheKey(p, canPreempt) : '';
    let cached = key !== undefined ? failures.find(key, part, p, canPreempt) : undefined;
    // With sharing, what a cached failure says holds for every tenant; a prod job may take its own tenant's jobs too.
    if (cached && sharing && canPreempt && sharing.ownRoomMayFit(p)) cached = undefined;
    if (cached) {
      const why = backfill.waited(p, cached, NO_REJECTIONS);
      waiting.set(job.id, sharing ? sharing.explain(p, why) : why);
      return;
    }
    const imageFit = imageDatastoresFit(ctx, p);
    // 2–4. Filter, score, select.
    const sel = imageFit ? selectHost(ctx, registry, p) : { ok: false as const, rejected: new Map() };
    if (sel.ok) {
      emit(p, sel.placement);
      return;
    }
    // 5. Preempt.
    if (canPreempt && imageFit) {
      const c = sharing ? sharing.find(ctx, p) : preemptor!.find(ctx, p);
      if (c && preempt(p, c)) return;
    }
    const why = backfill.waited(p, explainWait({ ctx, registry, maxHost, preemption: policy.preemption, placedAhead: placed, stepLimit: exprs.stepLimit }, p, sel.rejected, imageFit), sel.rejected);
    waiting.set(job.id, sharing ? sharing.explain(p, why) : why);
    if (key !== undefined) failures.add(key, part, p, canPreempt, why);
  };
  if (sharing) sharing.forEachInOrder(queue, step);
  else queue.forEach(step);

  // 6. Pending deadlines: a job that could not start in time fails, with the reason it waited.
  for (const job of queue) {
    if (job.pendingDeadline === undefined || job.pendingDeadline > now) continue;
    const why = waiting.get(job.id);
    if (!why) continue;
    actions.push({ type: 'fail', jobId: job.id, reason: `${pendingDeadlineMessage(job.pendingDeadline, now)} Last reason: ${why.message}` });
    waiting.delete(job.id);
  }
  return { actions, waiting };
}
