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
import type { FilterContext, PreparedJob } from './filter';
import { confirmHost } from './filters/chain';
import type { Ledger } from './ledger';
import type { RunningJob } from './contract';
import { PreemptionIndex } from './preemptionIndex';
import { better, candidateOf, fewestVictims, giveBackUnneeded, leastWork, victimBounds, victimOrders, type VictimBounds, type VictimCandidate } from './victims';

export type PreemptionCandidate = VictimCandidate;

export interface Preemptor {
  find(ctx: FilterContext, job: PreparedJob): PreemptionCandidate | undefined;
  /** The candidate's victims were preempted: they no longer run on its host. */
  preempted(c: PreemptionCandidate): void;
  /** No job left can preempt: the indexes need no more upkeep. */
  end(): void;
}

export function createPreemptor(ledger: Ledger, beffByHost: Map<number, RunningJob[]>, now: number, maxHost: number): Preemptor {
  const orders = victimOrders(now);
  const { cheapestFirst, largestFirst } = orders;
  // Every beff job as a lone victim, in tie-breaker order: the first that makes room is the best 1-victim choice.
  const ordered = [...beffByHost.values()].flat().sort(orders.loneOrder);
  for (const list of beffByHost.values()) list.sort(cheapestFirst);
  const index = new PreemptionIndex(ledger, maxHost, beffByHost, ordered);

  /** Per host, what the candidate search reads of its beff jobs, kept while the host's list is the same. */
  const stats = new Map<number, HostStats>();
  const statsOf = (i: number, beff: readonly RunningJob[]): HostStats => {
    let st = stats.get(i);
    if (st === undefined || st.list !== beff) {
      st = { ...victimBounds(beff, orders.workLost), list: beff, largestFirst: beff.length > 2 ? [...beff].sort(largestFirst) : beff };
      stats.set(i, st);
    }
    return st;
  };

  /** Step 3 and 4 for one host and one victim order (`ordered` already sorted). */
  function dryRun(ctx: FilterContext, job: PreparedJob, i: number, ordered: readonly RunningJob[], cheapestOrder: boolean): RunningJob[] | undefined {
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
    // Given back most valuable first; victims taken in cheapest-first order need no sort for that.
    const byValue = cheapestOrder ? taken.slice() : taken.slice().sort(cheapestFirst);
    return giveBackUnneeded(taken, byValue, job, cpu, mem);
  }

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
      const singles = index.singles(group);
      const hostOf = (leaf: number): number => ctx.ledger.hostIndexById.get(singles.victims[leaf].hostId)!;
      const lone = singles.tree.firstAccepted(job.cpu, job.mem, (leaf) => {
        const i = hostOf(leaf);
        return usable(ctx, job, i) && confirmHost(ctx, job, i, ctx.preemptionFilters).ok;
      }, (leaf) => index.restoreSingle(singles, leaf));
      if (lone >= 0) return candidateOf(orders, hostOf(lone), [singles.victims[lone]]);
      // 2) Otherwise the hosts whose free room plus all their beff room fits the job (a tree walk, not a scan).
      // As Kubernetes' DefaultPreemption bounds its dry runs (minCandidateNodesAbsolute = 100),
      // sets of several victims are compared on the first 100 candidate hosts by host id: exact
      // up to 100 candidates, a bounded cost beyond (thousands of preemptions in one plan).
      const limit = 100;
      let examined = 0;
      let best: PreemptionCandidate | undefined;
      index.roomTree(group).forEachFit(job.cpu, job.mem, (leaf) => {
        if (examined >= limit) return false;
        const i = group.hosts[leaf];
        const beff = index.beffOn(i);
        if (beff.length < 2 || !usable(ctx, job, i)) return true;
        const st = statsOf(i, beff);
        const fewest = best ? fewestVictims(ctx, job, i, st) : 0;
        if (best && best.victims.length < fewest) return true;
        if (!confirmHost(ctx, job, i, ctx.preemptionFilters).ok) return true;
        examined++;
        // A host whose fewest victims lose more work than the best so far cannot beat it: no dry run.
        if (best && best.victims.length === fewest && leastWork(st, fewest) > best.workLost) return true;
        // 3) and 4) Dry runs, minimal sets.
        // No lone victim makes room anywhere (searched above), so with two beff jobs both go.
        for (const ordered of beff.length === 2 ? [beff] : [beff, st.largestFirst]) {
          const victims = dryRun(ctx, job, i, ordered, ordered === beff);
          if (!victims || victims.length === 0) continue;
          const candidate = candidateOf(orders, i, victims);
          // 5) Tie-breakers.
          if (!best || better(ctx, candidate, best)) best = candidate;
        }
        return true;
      });
      return best;
    },

    preempted(c) {
      const gone = new Set(c.victims.map((v) => v.id));
      index.setBeffOn(c.hostIndex, index.beffOn(c.hostIndex).filter((r) => !gone.has(r.id)));
    },

    end() {
      index.drop();
    },
  };
}

/** Per host, what the candidate search reads of its beff jobs. */
interface HostStats extends VictimBounds {
  readonly list: readonly RunningJob[];
  readonly largestFirst: readonly RunningJob[];
}
