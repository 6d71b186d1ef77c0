/**
 * What preemption (preempt.ts) and reclaim (sharing/reclaim.ts) share about victims: the work
 * one would lose, the orders they are taken in, a candidate host and how two compare, the
 * bounds that spare dry runs, and giving back the victims a room does not need.
 */
import { cpuShare, memoryKb } from './capacity';
import type { RunningJob } from './contract';
import type { FilterContext, PreparedJob } from './filter';
import { compareIds } from './order';

/** A host, and the victims whose going makes room there for a job. */
export interface VictimCandidate {
  readonly hostIndex: number;
  /** Cheapest first. */
  readonly victims: readonly RunningJob[];
  readonly workLost: number;
  readonly topPriority: number;
}

export type VictimOrder = (a: RunningJob, b: RunningJob) => number;

export interface VictimOrders {
  /** Work the victim would lose: since its last checkpoint, or since it started. */
  readonly workLost: (v: RunningJob) => number;
  /** Cheapest first: lowest priority, least work lost, id. */
  readonly cheapestFirst: VictimOrder;
  /** Largest first (CPU, then memory: fewer victims), then cheapest. */
  readonly largestFirst: VictimOrder;
  /** Tie-breaker order of lone victims (one victim being the fewest): least work lost, lowest priority, lowest host id, id. */
  readonly loneOrder: VictimOrder;
}

export function victimOrders(now: number): VictimOrders {
  const workLost = (v: RunningJob): number => Math.max(0, now - (v.checkpointAt ?? v.startedAt));
  const cheapestFirst: VictimOrder = (a, b) => a.priority - b.priority || workLost(a) - workLost(b) || compareIds(a.id, b.id);
  return {
    workLost,
    cheapestFirst,
    largestFirst: (a, b) => cpuShare(b.cpu) - cpuShare(a.cpu) || memoryKb(b.memoryMb) - memoryKb(a.memoryMb) || cheapestFirst(a, b),
    loneOrder: (a, b) => workLost(a) - workLost(b) || a.priority - b.priority || a.hostId - b.hostId || compareIds(a.id, b.id),
  };
}

/** Host i with these victims (`inCheapestOrder`: already sorted so). */
export function candidateOf(orders: VictimOrders, i: number, victims: readonly RunningJob[], inCheapestOrder = false): VictimCandidate {
  return {
    hostIndex: i,
    victims: inCheapestOrder ? victims : [...victims].sort(orders.cheapestFirst),
    workLost: victims.reduce((sum, v) => sum + orders.workLost(v), 0),
    topPriority: Math.max(...victims.map((v) => v.priority)),
  };
}

/** Whether candidate a beats b: fewest victims, least work lost, lowest top victim priority, lowest host id. */
export function better(ctx: FilterContext, a: VictimCandidate, b: VictimCandidate): boolean {
  return (a.victims.length - b.victims.length
    || a.workLost - b.workLost
    || a.topPriority - b.topPriority
    || ctx.ledger.hosts[a.hostIndex].host.id - ctx.ledger.hosts[b.hostIndex].host.id) < 0;
}

/** What bounds any set of victims taken from a host's list: their sizes largest first, the work they would lose least first. */
export interface VictimBounds {
  readonly cpuDesc: readonly number[];
  readonly memDesc: readonly number[];
  readonly workAsc: readonly number[];
}

export function victimBounds(victims: readonly RunningJob[], workLost: (v: RunningJob) => number): VictimBounds {
  return {
    cpuDesc: victims.map((v) => cpuShare(v.cpu)).sort((a, b) => b - a),
    memDesc: victims.map((v) => memoryKb(v.memoryMb)).sort((a, b) => b - a),
    workAsc: victims.map(workLost).sort((a, b) => a - b),
  };
}

/** Fewest victims that could make room for the job on host i: the largest ones, per dimension. */
export function fewestVictims(ctx: FilterContext, job: PreparedJob, i: number, b: VictimBounds): number {
  return Math.max(fewestToFit(ctx.ledger.freeCpu(i), job.cpu, b.cpuDesc), fewestToFit(ctx.ledger.freeMem(i), job.mem, b.memDesc));
}

/** How many of the sizes (largest first) must go before `free` reaches `need`. */
function fewestToFit(free: number, need: number, sizesDesc: readonly number[]): number {
  let k = 0;
  for (; k < sizesDesc.length && free < need; k++) free += sizesDesc[k];
  return k;
}

/** Least work any `k` of the victims would lose. */
export function leastWork(b: VictimBounds, k: number): number {
  let sum = 0;
  for (let j = 0; j < k && j < b.workAsc.length; j++) sum += b.workAsc[j];
  return sum;
}

/**
 * Gives back the victims a room does not need after all, most valuable first (`byValue` is
 * cheapest first): `cpu` and `mem` are what all of `taken` frees, `job` what the room must hold.
 */
export function giveBackUnneeded<V extends { readonly cpu: number; readonly memoryMb: number }>(
  taken: V[], byValue: readonly V[], job: { readonly cpu: number; readonly mem: number }, cpu: number, mem: number,
): V[] {
  for (let k = byValue.length - 1; k >= 0; k--) {
    const v = byValue[k]!;
    const c = cpuShare(v.cpu);
    const m = memoryKb(v.memoryMb);
    if (cpu - c >= job.cpu && mem - m >= job.mem) {
      taken.splice(taken.indexOf(v), 1);
      cpu -= c;
      mem -= m;
    }
  }
  return taken;
}
