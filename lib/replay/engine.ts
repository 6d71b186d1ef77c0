/**
 * The replay: a discrete-event simulation on a virtual clock that drives the real plan(), the
 * call the service's tick makes, over a workload. Each plan reads what the tick would read
 * (hosts with their booked room, queued and running jobs as lib/lifecycle/planInput.ts gives
 * them) and its actions are applied as the service applies them, with the cloud's delays:
 *
 *  - deploy: the VM boots (`boot` s), then runs; one deployed in place of preemption victims
 *    waits until they have left their host;
 *  - preempt: requeue kills the VM at once (the work since its last checkpoint is lost, the job
 *    queues again); stop and suspend save it (`save` s; no work lost); a stopped VM leaves its
 *    host, a suspended one keeps its room booked there and resumes only there;
 *  - resume: `resume` s, then it runs on; terminate (lifetime): it ends (EXPIRED); fail: it ends.
 *
 * Ticks: on an interval while jobs wait, and `kick` s after every submission, completion and
 * release, as the service's kicks do; an interval tick with nothing changed since the last plan
 * is skipped (the planner is a pure function: the same input gives the same plan) except at a
 * lifetime's end, which always gets its tick.
 */
import { plan, type Backfill, type Plan, type Policy, type PreemptMode, type QueuedJob, type RunningJob } from '../sched';
import { cpuShare, memoryKb, decayUsage, type UsageRecord } from '../sched';
import type { Tenant } from '../domain/tenant';
import { SimCloud } from './cloud';
import { EventHeap } from './heap';
import type { SimJob, Workload } from './workload';

export interface SimPolicy {
  /** Short name: fifo, greedy, easy, requeue, stop, ... */
  readonly name: string;
  readonly label: string;
  readonly backfill: Backfill;
  readonly preemption: boolean;
  /** How best-effort jobs are preempted. */
  readonly preemptMode: PreemptMode;
  /** Every job prod (one queue, as the trace's machine had). */
  readonly singleClass?: boolean;
  /** Plans with the workload's tenants and their shares (SimOptions.tenants). */
  readonly sharing?: boolean;
}

export interface SimTiming {
  /** Seconds between scheduled ticks, and after a submission or a completion before a tick. */
  readonly tick: number;
  readonly kick: number;
  /** Seconds a VM takes to boot, to save (stop, suspend), to resume. */
  readonly boot: number;
  readonly save: number;
  readonly resume: number;
}

export const DEFAULT_TIMING: SimTiming = { tick: 60, kick: 1, boot: 30, save: 15, resume: 15 };

export type SimState = 'future' | 'waiting' | 'deferred' | 'booting' | 'running' | 'saving' | 'stopped' | 'suspended' | 'resuming' | 'done';
export type Outcome = 'completed' | 'expired' | 'failed';

export interface JobRecord {
  readonly job: SimJob;
  readonly cls: SimJob['class'];
  readonly vmId: number;
  state: SimState;
  host: number;
  /** ms: first deploy; end. */
  firstStart?: number;
  end?: number;
  outcome?: Outcome;
  /** Work saved so far (checkpointed), seconds. */
  kept: number;
  /** ms: start of the current run segment (while running). */
  segStart?: number;
  /** Run time over all segments, seconds (lost work included): what a lifetime counts. */
  ran: number;
  checkpointAt?: number;
  preemptions: number;
  lost: number;
  /** Work that a requeue would have lost and stop/suspend kept, seconds. */
  saved: number;
  /** The first reservation it was given (ms), and whether it started in a reservation's shadow. */
  reservedAt?: number;
  backfilled: boolean;
  /** The planned end of the current segment (ms), for the checks. */
  lifetimeEndsAt?: number;
  version: number;
  /** How it is being saved (stop, suspend, undeploy). */
  saveMode?: PreemptMode;
  /** The deferred start is a resume (resume delay), not a boot. */
  resumeDelay?: boolean;
  q?: QueuedJob;
  physStart?: number;
}

/** A VM physically on a host (booting, running, saving, resuming): the capacity check reads these. */
export interface Segment {
  readonly id: string;
  readonly tenant: string;
  readonly host: number;
  readonly cpu: number;
  readonly memoryMb: number;
  readonly start: number;
  readonly end: number;
}

export interface PlanSample {
  readonly at: number;
  readonly queue: number;
  readonly cpuUs: number;
}

export interface SimResult {
  readonly policy: SimPolicy;
  readonly workload: Workload;
  readonly startMs: number;
  readonly records: readonly JobRecord[];
  readonly segments: readonly Segment[];
  readonly plans: readonly PlanSample[];
  /** (ms, jobs waiting) at every change. */
  readonly queueSeries: readonly (readonly [number, number])[];
  readonly actions: Readonly<Record<string, number>>;
  readonly ticksSkipped: number;
  readonly wallMs: number;
  readonly cpuMs: number;
}

export interface SimOptions {
  readonly policy: SimPolicy;
  readonly timing: SimTiming;
  /** The planner's policy besides backfill and preemption (ranks...). */
  readonly base: Policy;
  /** Epoch ms of the workload's time 0. */
  readonly startMs: number;
  readonly onProgress?: (ended: number, total: number, now: number) => void;
  /** The tenants and their shares, for a policy with sharing; absent: every tenant of the workload, share 1. */
  readonly tenants?: readonly Tenant[];
  /** Half-life of past usage in the fair order, seconds (default a day). */
  readonly usageHalfLifeSeconds?: number;
}

type Event =
  | { t: number; seq: number; kind: 'tick'; force: boolean }
  | { t: number; seq: number; kind: 'boot' | 'finish' | 'saved'; rec: JobRecord; version: number };

export function simulate(workload: Workload, o: SimOptions): SimResult {
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  const { timing, policy } = o;
  const ms = (s: number): number => Math.round(s * 1000);
  const cloud = new SimCloud(workload.cloud);
  const phys = cloud.use.map(() => ({ cpu: 0, mem: 0 }));
  /** Deployed VMs waiting for their room to be physically free, per host. */
  const hostWaits: JobRecord[][] = [];
  const planPolicy: Policy = { ...o.base, backfill: policy.backfill, preemption: policy.preemption };
  const tenants: readonly Tenant[] = o.tenants
    ?? [...new Set(workload.jobs.map((j) => j.tenant))].sort().map((id) => ({ id, share: 1, services: [], users: [] }));
  const capacity = { cpu: workload.cloud.hosts * workload.cloud.hostCpus, memoryMb: workload.cloud.hosts * workload.cloud.hostMemoryMb };
  let usage: UsageRecord | undefined;
  const records: JobRecord[] = workload.jobs.map((job, i) => ({
    job, cls: policy.singleClass ? 'prod' : job.class, vmId: i + 1, state: 'future', host: -1, kept: 0, ran: 0,
    preemptions: 0, lost: 0, saved: 0, backfilled: false, version: 0,
  }));
  const byId = new Map(records.map((r) => [r.job.id, r]));
  const active = new Set<JobRecord>();
  const segments: Segment[] = [];
  const plans: PlanSample[] = [];
  const queueSeries: [number, number][] = [];
  const actions: Record<string, number> = {};
  const heap = new EventHeap<Event>();
  let seq = 0;
  let now = o.startMs;
  let nextSubmit = 0;
  let ended = 0;
  let queued = 0;
  let dirty = false;
  let pendingTick = Infinity;
  let ticksSkipped = 0;
  let events = 0;

  const setQueued = (delta: number): void => {
    queued += delta;
    const last = queueSeries[queueSeries.length - 1];
    if (last && last[0] === now) last[1] = queued;
    else queueSeries.push([now, queued]);
  };
  const waitingState = (s: SimState): boolean => s === 'waiting' || s === 'stopped' || s === 'suspended';
  const setState = (r: JobRecord, s: SimState): void => {
    const was = waitingState(r.state);
    const is = waitingState(s);
    if (was !== is) setQueued(is ? 1 : -1);
    r.state = s;
    r.version++;
    r.q = undefined;
    dirty = true;
  };
  const requestTick = (at: number): void => {
    if (pendingTick >= now && pendingTick <= at) return;
    pendingTick = at;
    heap.push({ t: at, seq: seq++, kind: 'tick', force: false });
  };
  const book = (r: JobRecord, sign: 1 | -1): void => {
    const u = cloud.use[r.host];
    u.cpu += sign * cpuShare(r.job.cpu);
    u.mem += sign * memoryKb(r.job.memoryMb);
    u.vms += sign;
  };
  const physOn = (r: JobRecord): void => {
    const p = phys[r.host];
    p.cpu += cpuShare(r.job.cpu);
    p.mem += memoryKb(r.job.memoryMb);
    if (p.cpu > cloud.maxCpu || p.mem > cloud.maxMem) {
      throw new Error(`replay invariant broken: host ${r.host} runs ${p.cpu / 100} CPU and ${p.mem / 1024} MB at ${now}, more than it has (job ${r.job.id})`);
    }
    r.physStart = now;
  };
  const physOff = (r: JobRecord): void => {
    const p = phys[r.host];
    p.cpu -= cpuShare(r.job.cpu);
    p.mem -= memoryKb(r.job.memoryMb);
    segments.push({ id: r.job.id, tenant: r.job.tenant, host: r.host, cpu: r.job.cpu, memoryMb: r.job.memoryMb, start: r.physStart!, end: now });
    r.physStart = undefined;
    startWaiting(r.host);
  };
  const finish = (r: JobRecord, outcome: Outcome): void => {
    setState(r, 'done');
    r.outcome = outcome;
    r.end = now;
    active.delete(r);
    ended++;
    requestTick(now + ms(timing.kick));
  };
  /** Close the running segment: its run time counts, its work is kept (saved) or lost. */
  const closeSegment = (r: JobRecord, keep: boolean, preempted = false): void => {
    if (r.state !== 'running') return;
    const worked = (now - r.segStart!) / 1000;
    r.ran += worked;
    if (keep) {
      r.kept += worked;
      if (preempted) r.saved += worked;
      r.checkpointAt = now;
    } else r.lost += worked;
    r.segStart = undefined;
    r.lifetimeEndsAt = undefined;
  };
  const startBoot = (r: JobRecord, delay: number): void => {
    setState(r, r.resumeDelay ? 'resuming' : 'booting');
    r.resumeDelay = false;
    physOn(r);
    heap.push({ t: now + ms(delay), seq: seq++, kind: 'boot', rec: r, version: r.version });
  };
  /** A victim has left its host (killed, saved): the service's next round sees it. */
  const released = (): void => {
    requestTick(now + ms(timing.kick));
  };

  const remainingEstimate = (r: JobRecord): number | undefined => {
    const j = r.job;
    const byEstimate = j.estimate !== undefined ? Math.max(0, j.estimate - r.kept) : undefined;
    const byLifetime = j.lifetime !== undefined ? Math.max(0, j.lifetime - r.ran) : undefined;
    if (byEstimate === undefined) return byLifetime;
    return byLifetime === undefined ? byEstimate : Math.min(byEstimate, byLifetime);
  };
  const queuedJob = (r: JobRecord): QueuedJob => {
    if (r.q) return r.q;
    const j = r.job;
    const preempted = r.state === 'stopped' || r.state === 'suspended'
      ? { mode: r.state === 'stopped' ? 'stop' as const : 'suspend' as const, hostId: r.host, datastoreId: 0 } : undefined;
    r.q = {
      id: j.id, class: r.cls, priority: j.priority, submittedAt: o.startMs + ms(j.submit), cpu: j.cpu, vcpu: Math.ceil(j.cpu), memoryMb: j.memoryMb,
      diskMb: 0, requirements: '', nics: [], preemptMode: policy.preemptMode, runtimeEstimate: remainingEstimate(r), tenant: j.tenant,
      ...(preempted ? { preempted, vmId: r.vmId } : {}),
    };
    return r.q;
  };
  const runningJob = (r: JobRecord): RunningJob => {
    const left = remainingEstimate(r);
    const startsAt = r.state === 'running' ? r.segStart! : now + ms(r.state === 'deferred' ? timing.save + timing.boot : timing.boot);
    const preempted = r.state === 'stopped' || r.state === 'suspended';
    return {
      id: r.job.id, vmId: r.vmId, hostId: r.host, datastoreId: 0, class: r.cls, priority: r.job.priority, cpu: r.job.cpu, memoryMb: r.job.memoryMb,
      preemptMode: preempted ? (r.state === 'stopped' ? 'stop' : 'suspend') : policy.preemptMode,
      startedAt: r.segStart ?? r.firstStart ?? now, checkpointAt: r.checkpointAt,
      lifetimeEndsAt: r.state === 'running' ? r.lifetimeEndsAt : undefined,
      expectedEndAt: preempted || left === undefined ? undefined : startsAt + ms(left),
      state: preempted ? 'PREEMPTED' : 'RUNNING', tenant: r.job.tenant,
    };
  };

  /**
   * Boots once its room is physically free: at once, or when the VMs still on the host (victims
   * being saved, whose room the plan already counted) have left, in the order deployed.
   */
  const bootWhenFree = (r: JobRecord): void => {
    (hostWaits[r.host] ??= []).push(r);
    startWaiting(r.host);
  };
  const startWaiting = (host: number): void => {
    const list = hostWaits[host];
    if (!list || list.length === 0) return;
    const p = phys[host];
    let k = 0;
    while (k < list.length) {
      const r = list[k];
      if (r.state !== 'deferred') list.splice(k, 1);
      else if (p.cpu + cpuShare(r.job.cpu) <= cloud.maxCpu && p.mem + memoryKb(r.job.memoryMb) <= cloud.maxMem) {
        list.splice(k, 1);
        startBoot(r, r.resumeDelay ? timing.resume : timing.boot);
      } else k++;
    }
  };

  const apply = (p: Plan): void => {
    for (const a of p.actions) {
      actions[a.type] = (actions[a.type] ?? 0) + 1;
      switch (a.type) {
        case 'deploy':
        case 'deployAfterVictims': {
          // Once its victims have left is when it can boot anyway (bootWhenFree): the same start.
          const r = byId.get(a.jobId)!;
          r.host = a.hostId;
          r.firstStart ??= now;
          if (a.type === 'deploy' && a.shadow) r.backfilled = true;
          setState(r, 'deferred');
          book(r, 1);
          bootWhenFree(r);
          break;
        }
        case 'resume': {
          const r = byId.get(a.jobId)!;
          if (a.shadow) r.backfilled = true;
          r.resumeDelay = true;
          if (r.state === 'stopped') {
            r.host = a.hostId;
            book(r, 1);
          }
          setState(r, 'deferred');
          bootWhenFree(r);
          break;
        }
        case 'preempt': {
          const r = byId.get(a.jobId)!;
          r.preemptions++;
          const wasOn = r.physStart !== undefined;
          if (a.mode === 'requeue') {
            closeSegment(r, false);
            if (wasOn) physOff(r);
            book(r, -1);
            setState(r, 'waiting');
            released();
          } else {
            closeSegment(r, true, true);
            setState(r, 'saving');
            heap.push({ t: now + ms(timing.save), seq: seq++, kind: 'saved', rec: r, version: r.version });
            r.saveMode = a.mode;
          }
          break;
        }
        case 'terminate': {
          const r = byId.get(a.jobId)!;
          closeSegment(r, true);
          if (r.physStart !== undefined) physOff(r);
          if (r.state !== 'stopped') book(r, -1);
          finish(r, 'expired');
          break;
        }
        case 'fail': {
          finish(byId.get(a.jobId)!, 'failed');
          break;
        }
        default:
          break;
      }
    }
  };

  const runPlan = (): void => {
    const queue: QueuedJob[] = [];
    const running: RunningJob[] = [];
    for (const r of active) {
      if (waitingState(r.state)) queue.push(queuedJob(r));
      if (r.state !== 'waiting' && r.state !== 'saving') running.push(runningJob(r));
    }
    const snapshot = cloud.snapshot();
    const c0 = process.cpuUsage();
    let sharing;
    if (policy.sharing) {
      // What the tick does each round: decay the recorded usage, add what ran since, plan with it.
      usage = decayUsage(usage, running, capacity, now, o.usageHalfLifeSeconds ?? 86_400);
      sharing = { tenants, usage: usage.usage };
    }
    const p = plan({ snapshot, queue, running, policy: planPolicy, now, ...(sharing ? { sharing } : {}) });
    const c = process.cpuUsage(c0);
    plans.push({ at: now, queue: queue.length, cpuUs: c.user + c.system });
    dirty = false;
    apply(p);
    for (const [id, w] of p.waiting) {
      if (w.code !== 'queue.firstInLine') continue;
      const r = byId.get(id)!;
      r.reservedAt ??= w.details.from as number;
    }
    if (p.waiting.size > 0) requestTick(now + ms(timing.tick));
  };

  const jobs = records;
  for (;;) {
    const top = heap.peekTime();
    const submitAt = nextSubmit < jobs.length ? o.startMs + ms(jobs[nextSubmit].job.submit) : Infinity;
    if (submitAt === Infinity && top === undefined) break;
    if (submitAt <= (top ?? Infinity)) {
      now = submitAt;
      const r = jobs[nextSubmit++];
      active.add(r);
      setState(r, 'waiting');
      requestTick(now + ms(timing.kick));
      continue;
    }
    const e = heap.pop()!;
    now = e.t;
    if (++events % 2000 === 0) o.onProgress?.(ended, jobs.length, now);
    if (e.kind === 'tick') {
      if (e.t === pendingTick) pendingTick = Infinity;
      if (e.force || dirty) runPlan();
      else ticksSkipped++;
      continue;
    }
    const r = e.rec;
    if (e.version !== r.version) continue;
    if (e.kind === 'boot') {
      setState(r, 'running');
      r.segStart = now;
      r.checkpointAt ??= now;
      const j = r.job;
      const done = now + ms(Math.max(0, j.work - r.kept));
      heap.push({ t: done, seq: seq++, kind: 'finish', rec: r, version: r.version });
      if (j.lifetime !== undefined) {
        r.lifetimeEndsAt = now + ms(Math.max(0, j.lifetime - r.ran));
        if (r.lifetimeEndsAt < done) heap.push({ t: r.lifetimeEndsAt, seq: seq++, kind: 'tick', force: true });
      }
    } else if (e.kind === 'finish') {
      closeSegment(r, true);
      physOff(r);
      book(r, -1);
      finish(r, 'completed');
    } else {
      // Saved: a stopped VM leaves its host; a suspended one keeps its room booked there.
      if (r.physStart !== undefined) physOff(r);
      if (r.saveMode === 'suspend') setState(r, 'suspended');
      else {
        book(r, -1);
        setState(r, 'stopped');
      }
      released();
    }
  }
  o.onProgress?.(ended, jobs.length, now);
  const c = process.cpuUsage(cpu0);
  return {
    policy, workload, startMs: o.startMs, records, segments, plans, queueSeries, actions, ticksSkipped,
    wallMs: performance.now() - wall0, cpuMs: (c.user + c.system) / 1000,
  };
}
