/**
 * Phase 5, preempt: a prod job that fits nowhere may take the room of beff jobs on ONE host.
 *
 *  1) Eligible: the job is prod, preemption is on, it is a deploy or a resume (a suspended VM
 *     waits for its own host, a migration is never worth a preemption), some host matches it.
 *  2) Candidates: matching hosts, not excluded, under MAX_HOST, whose free room plus their
 *     beff jobs' room fits the job (found by a walk of the group's room tree).
 *  3) Per host, a dry run: beff victims are taken cheapest first (lowest priority, least work
 *     since their last checkpoint, id) until the job fits, the datastore and network filters
 *     must pass on that host; a second dry run takes the largest first (fewer victims). One
 *     victim being the fewest possible, lone victims are tried first, in tie-breaker order.
 *  4) Minimal victim set: a victim whose room is not needed is given back (Nomad's
 *     filterSuperset), most valuable first.
 *  5) Best candidate by an ordered list of tie-breakers: fewest victims, least work lost,
 *     lowest top victim priority, lowest host id. Lone victims are searched over every host;
 *     sets of several victims over the first 100 candidate hosts (as Kubernetes bounds it).
 *
 * A prod job is never a victim. Suspended victims keep their capacity booked in OpenNebula;
 * their room is used physically and the deploy then goes with enforce=false.
 */
import { cpuShare, memoryKb } from './capacity';
import type { GroupRegistry } from './groups';
import type { FilterContext, PreparedJob } from './phases';
import { confirmHost } from './select';
import { compareIds } from './order';
import type { RunningJob } from './types';

export interface PreemptionCandidate {
  readonly hostIndex: number;
  readonly victims: readonly RunningJob[];
  readonly workLost: number;
  readonly topPriority: number;
}

export interface Preemptor {
  find(ctx: FilterContext, job: PreparedJob): PreemptionCandidate | undefined;
}

const workLost = (v: RunningJob, now: number): number => Math.max(0, now - (v.checkpointAt ?? v.startedAt));

export function createPreemptor(registry: GroupRegistry, beffByHost: Map<number, RunningJob[]>, now: number, maxHost: number): Preemptor {
  const cheapestFirst = (a: RunningJob, b: RunningJob): number =>
    a.priority - b.priority || workLost(a, now) - workLost(b, now) || compareIds(a.id, b.id);
  const largestFirst = (a: RunningJob, b: RunningJob): number =>
    cpuShare(b.cpu) - cpuShare(a.cpu) || memoryKb(b.memoryMb) - memoryKb(a.memoryMb) || cheapestFirst(a, b);
  // Every beff job as a lone victim, in tie-breaker order: the first that makes room is the best 1-victim choice.
  const ordered = [...beffByHost.values()].flat()
    .sort((a, b) => workLost(a, now) - workLost(b, now) || a.priority - b.priority || a.hostId - b.hostId || compareIds(a.id, b.id));
  for (const list of beffByHost.values()) list.sort(cheapestFirst);
  registry.setBeff({ onHost: (i) => beffByHost.get(i) ?? [], ordered });

  /** Step 3 and 4 for one host and one victim order (`ordered` already sorted). */
  function dryRun(ctx: FilterContext, job: PreparedJob, i: number, ordered: readonly RunningJob[]): RunningJob[] | undefined {
    let cpu = ctx.ledger.freeCpu(i);
    let mem = ctx.ledger.freeMem(i);
    const taken: RunningJob[] = [];
    for (const v of ordered) {
      if (cpu >= job.cpu && mem >= job.mem) break;
      taken.push(v);
      cpu += cpuShare(v.cpu);
      mem += memoryKb(v.memoryMb);
    }
    if (cpu < job.cpu || mem < job.mem) return undefined;
    for (const v of [...taken].sort(cheapestFirst).reverse()) {
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

  const candidateOf = (i: number, victims: readonly RunningJob[]): PreemptionCandidate => ({
    hostIndex: i,
    victims: [...victims].sort(cheapestFirst),
    workLost: victims.reduce((sum, v) => sum + workLost(v, now), 0),
    topPriority: Math.max(...victims.map((v) => v.priority)),
  });

  const better = (a: PreemptionCandidate, b: PreemptionCandidate, ctx: FilterContext): boolean =>
    (a.victims.length - b.victims.length
      || a.workLost - b.workLost
      || a.topPriority - b.topPriority
      || ctx.ledger.hosts[a.hostIndex].host.id - ctx.ledger.hosts[b.hostIndex].host.id) < 0;

  const usable = (ctx: FilterContext, job: PreparedJob, i: number): boolean => {
    const book = ctx.ledger.hosts[i];
    return !job.excluded.has(book.host.id) && !(maxHost > 0 && book.dispatched >= maxHost);
  };

  return {
    find(ctx, job) {
      // 1) Eligible?
      if (job.job.class !== 'prod' || (job.kind !== 'deploy' && job.kind !== 'resume') || !job.group) return undefined;
      const group = job.group;
      // 2)–5) One victim is the fewest there can be: the first lone victim (in tie-breaker
      // order) whose host then has room is the best candidate of all.
      let lone: PreemptionCandidate | undefined;
      registry.forEachSingle(group, job.cpu, job.mem, (v, i) => {
        if (usable(ctx, job, i) && confirmHost(ctx, job, i, ctx.preemptionFilters).ok) lone = candidateOf(i, [v]);
        return lone === undefined;
      });
      if (lone) return lone;
      // 2) Otherwise the hosts whose free room plus all their beff room fits the job (a tree walk, not a scan).
      // As Kubernetes' DefaultPreemption bounds its dry runs (minCandidateNodesAbsolute = 100),
      // sets of several victims are compared on the first 100 candidate hosts by host id: exact
      // up to 100 candidates, a bounded cost beyond (thousands of preemptions in one plan).
      const limit = 100;
      let examined = 0;
      let best: PreemptionCandidate | undefined;
      registry.forEachRoom(group, job.cpu, job.mem, (i) => {
        if (examined >= limit) return false;
        const beff = beffByHost.get(i) ?? [];
        if (beff.length < 2 || !usable(ctx, job, i)) return true;
        if (best && best.victims.length < minVictims(ctx, job, i, beff)) return true;
        if (!confirmHost(ctx, job, i, ctx.preemptionFilters).ok) return true;
        examined++;
        // 3) and 4) Dry runs, minimal sets.
        // No lone victim makes room anywhere (searched above), so with two beff jobs both go.
        for (const ordered of beff.length === 2 ? [beff] : [beff, [...beff].sort(largestFirst)]) {
          const victims = dryRun(ctx, job, i, ordered);
          if (!victims || victims.length === 0) continue;
          const candidate = candidateOf(i, victims);
          // 5) Tie-breakers.
          if (!best || better(candidate, best, ctx)) best = candidate;
        }
        return true;
      });
      return best;
    },
  };
}

/** Fewest victims that could make room on a host: the largest ones, per dimension. */
function minVictims(ctx: FilterContext, job: PreparedJob, i: number, beff: readonly RunningJob[]): number {
  const count = (free: number, need: number, sizes: number[]): number => {
    let k = 0;
    for (const s of sizes.sort((a, b) => b - a)) {
      if (free >= need) break;
      free += s;
      k++;
    }
    return k;
  };
  return Math.max(
    count(ctx.ledger.freeCpu(i), job.cpu, beff.map((v) => cpuShare(v.cpu))),
    count(ctx.ledger.freeMem(i), job.mem, beff.map((v) => memoryKb(v.memoryMb))),
  );
}
