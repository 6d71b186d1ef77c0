/**
 * Phase 5, preempt: a prod job that fits nowhere may take the room of beff jobs on ONE host.
 *
 *  1) Eligible: the job is prod, preemption is on, it is a deploy or a resume (a suspended VM
 *     waits for its own host, a migration is never worth a preemption), some host matches it.
 *  2) Candidates: matching hosts, not excluded, under MAX_HOST, running beff jobs.
 *  3) Per host, a dry run: beff victims are taken cheapest first (lowest priority, least work
 *     since their last checkpoint, id) until the job fits, the datastore and network filters
 *     must pass on that host; a second dry run takes the largest first (fewer victims).
 *  4) Minimal victim set: a victim whose room is not needed is given back (Nomad's
 *     filterSuperset), most valuable first.
 *  5) Best candidate by an ordered list of tie-breakers: fewest victims, least work lost,
 *     lowest top victim priority, lowest host id.
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

export function createPreemptor(registry: GroupRegistry, beffByHost: ReadonlyMap<number, RunningJob[]>, maxHost: number, now: number): Preemptor {
  const cheapestFirst = (a: RunningJob, b: RunningJob): number =>
    a.priority - b.priority || workLost(a, now) - workLost(b, now) || compareIds(a.id, b.id);
  const largestFirst = (a: RunningJob, b: RunningJob): number =>
    cpuShare(b.cpu) - cpuShare(a.cpu) || memoryKb(b.memoryMb) - memoryKb(a.memoryMb) || cheapestFirst(a, b);

  /** Step 3 and 4 for one host and one victim order. */
  function dryRun(ctx: FilterContext, job: PreparedJob, i: number, beff: readonly RunningJob[], order: typeof cheapestFirst): RunningJob[] | undefined {
    let cpu = ctx.ledger.freeCpu(i);
    let mem = ctx.ledger.freeMem(i);
    const taken: RunningJob[] = [];
    for (const v of [...beff].sort(order)) {
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

  const better = (a: PreemptionCandidate, b: PreemptionCandidate, ctx: FilterContext): boolean =>
    (a.victims.length - b.victims.length
      || a.workLost - b.workLost
      || a.topPriority - b.topPriority
      || ctx.ledger.hosts[a.hostIndex].host.id - ctx.ledger.hosts[b.hostIndex].host.id) < 0;

  return {
    find(ctx, job) {
      // 1) Eligible?
      if (job.job.class !== 'prod' || (job.kind !== 'deploy' && job.kind !== 'resume') || !job.group) return undefined;
      let best: PreemptionCandidate | undefined;
      // 2) Candidate hosts.
      for (const [i, beff] of beffByHost) {
        if (beff.length === 0 || !job.group.leafOf.has(i)) continue;
        const book = ctx.ledger.hosts[i];
        if (job.excluded.has(book.host.id)) continue;
        if (maxHost > 0 && book.dispatched >= maxHost) continue;
        let roomCpu = ctx.ledger.freeCpu(i);
        let roomMem = ctx.ledger.freeMem(i);
        for (const v of beff) {
          roomCpu += cpuShare(v.cpu);
          roomMem += memoryKb(v.memoryMb);
        }
        if (roomCpu < job.cpu || roomMem < job.mem) continue;
        if (!confirmHost(ctx, job, i).ok) continue;
        // 3) and 4) Dry runs, minimal sets.
        for (const order of [cheapestFirst, largestFirst]) {
          const victims = dryRun(ctx, job, i, beff, order);
          if (!victims || victims.length === 0) continue;
          const candidate: PreemptionCandidate = {
            hostIndex: i,
            victims: [...victims].sort(cheapestFirst),
            workLost: victims.reduce((s, v) => s + workLost(v, now), 0),
            topPriority: Math.max(...victims.map((v) => v.priority)),
          };
          // 5) Tie-breakers.
          if (!best || better(candidate, best, ctx)) best = candidate;
        }
      }
      return best;
    },
  };
}
