/**
 * Reclaim: a job that fits nowhere takes room on ONE host from jobs that may give way to it.
 * With sharing this replaces preempt.ts's search (which knows no tenants) and keeps its
 * least-loss choice: victims cheapest first (lowest priority, least work since the last
 * checkpoint, id), a second dry run largest first, victims not needed given back most
 * valuable first, and candidates compared by fewest victims, least work lost, lowest top
 * priority, lowest host id. Who may give way to a job of tenant A:
 *
 *  - never a prod job;
 *  - a best-effort job of A itself, when the job is prod (today's rule, inside the tenant);
 *  - a best-effort job of another tenant B while B is borrowing (above its guarantee), counting
 *    the victims already taken from B: B's room within its guarantee is never taken. The job
 *    must then be prod, or keep A within its own guarantee (A reclaims what it lent).
 *
 * As preempt.ts does: one victim being the fewest there can be, lone victims are tried first,
 * over every host of the group, in tie-breaker order (reclaimIndex.ts keeps them in a tree);
 * only if none makes room anywhere are sets of several compared, on the group's hosts where
 * such jobs could make room, by ascending host id (found without a scan), the first 100 that
 * pass the filters (as preempt.ts bounds its dry runs).
 */
import { cpuShare, memoryKb } from '../capacity';
import type { FilterContext, PreparedJob } from '../filter';
import { confirmHost } from '../filters/chain';
import type { RunningJob } from '../contract';
import type { HostGroup } from '../groups';
import type { Ledger } from '../ledger';
import { tenantOf, type TenantAccount, type TenantBook } from './accounts';
import { ReclaimIndex, type LoneVictims } from './reclaimIndex';
import { better, candidateOf, fewestVictims, giveBackUnneeded, leastWork, victimBounds, victimOrders, type VictimCandidate, type VictimOrders } from '../victims';

export type ReclaimCandidate = VictimCandidate;

const LIMIT = 100;

export class Reclaimer {
  /** Best-effort jobs still running on each host (ledger index), cheapest victim first, and where room may be reclaimed. */
  private readonly index: ReclaimIndex;
  private readonly orders: VictimOrders;

  constructor(private readonly book: TenantBook, ledger: Ledger, beffByHost: ReadonlyMap<number, readonly RunningJob[]>, now: number, private readonly maxHost: number) {
    this.orders = victimOrders(now);
    const sorted = new Map<number, RunningJob[]>();
    for (const [i, list] of beffByHost) sorted.set(i, [...list].sort(this.orders.cheapestFirst));
    const ordered = [...beffByHost.values()].flat().sort(this.orders.loneOrder);
    this.index = new ReclaimIndex(ledger, book, sorted, ordered, maxHost);
  }

  /** Whether host i has room for (cpu, mem) with borrowed jobs gone. */
  roomFits(i: number, cpu: number, mem: number): boolean {
    return this.index.roomFits(i, cpu, mem);
  }

  /** Whether a host of the group running the tenant's best-effort jobs may have room for (cpu, mem) with them and borrowed jobs gone. */
  ownRoomMayFit(group: HostGroup, tenant: string, cpu: number, mem: number): boolean {
    return this.index.ownRoomMayFit(group, tenant, cpu, mem);
  }

  /** The tenant's account changed: whether it borrows may have changed with it. */
  accountChanged(tenant: string): void {
    this.index.touch(tenant);
  }

  /** May the job of account `a` reclaim from other tenants at all (prod, or staying within its guarantee)? */
  mayReclaim(a: TenantAccount, job: PreparedJob): boolean {
    return job.job.class === 'prod' || this.book.withinGuaranteeWith(a, job.cpu / 100, job.mem / 1024);
  }

  find(ctx: FilterContext, job: PreparedJob, a: TenantAccount): ReclaimCandidate | undefined {
    if ((job.kind !== 'deploy' && job.kind !== 'resume') || !job.group) return undefined;
    const group = job.group;
    const prod = job.job.class === 'prod';
    // A prod job always may (borrowed room and its own tenant's jobs); a best-effort job while within its guarantee.
    if (!this.mayReclaim(a, job)) return undefined;
    // Per plan step, whether each tenant is borrowing does not change during the search.
    const borrowing = new Map<string, boolean>();
    const eligible = (v: RunningJob): boolean => {
      const t = tenantOf(v);
      if (t === a.id) return prod;
      let b = borrowing.get(t);
      if (b === undefined) borrowing.set(t, (b = this.book.borrowing(this.book.account(t))));
      return b;
    };
    // One victim is the fewest there can be: the first lone victim (in tie-breaker order) whose
    // host then takes the job is the best candidate of all. Its own tenant's, for a prod job,
    // compete with others' borrowed ones.
    const lone = this.firstLone(ctx, job, this.index.lone(group));
    const own = prod ? this.firstLone(ctx, job, this.index.lone(group, a.id)) : undefined;
    if (lone && own) return this.orders.loneOrder(lone.victims[0], own.victims[0]) <= 0 ? lone : own;
    if (lone || own) return lone ?? own;
    let best: ReclaimCandidate | undefined;
    let examined = 0;
    this.index.forEachCandidate(group, job.cpu, job.mem, prod ? a.id : undefined, (i) => {
      if (examined >= LIMIT) return false;
      if (group.leafOf[i] < 0) return true;
      const book = ctx.ledger.hosts[i];
      if (job.excluded.has(book.host.id) || (this.maxHost > 0 && book.dispatched >= this.maxHost)) return true;
      const all = this.index.beffOn(i);
      let cpu = ctx.ledger.freeCpu(i);
      let mem = ctx.ledger.freeMem(i);
      const mine: RunningJob[] = [];
      for (const v of all) {
        if (!eligible(v)) continue;
        mine.push(v);
        cpu += cpuShare(v.cpu);
        mem += memoryKb(v.memoryMb);
      }
      // No lone victim makes room anywhere (searched above): one eligible job cannot.
      if (mine.length < 2 || cpu < job.cpu || mem < job.mem) return true;
      // As preempt.ts prunes: a host that needs more victims than the best so far cannot beat it.
      const bounds = best ? victimBounds(mine, this.orders.workLost) : undefined;
      const fewest = bounds ? fewestVictims(ctx, job, i, bounds) : 0;
      if (best && best.victims.length < fewest) return true;
      if (!confirmHost(ctx, job, i, ctx.preemptionFilters).ok) return true;
      examined++;
      // Nor one whose fewest victims lose more work than the best's: no dry run.
      if (best && bounds && best.victims.length === fewest && leastWork(bounds, fewest) > best.workLost) return true;
      for (const ordered of mine.length <= 2 ? [mine] : [mine, [...mine].sort(this.orders.largestFirst)]) {
        const victims = this.dryRun(ctx, job, i, ordered, a.id, ordered === mine);
        if (!victims || victims.length === 0) continue;
        const c = candidateOf(this.orders, i, victims, ordered === mine);
        if (!best || better(ctx, c, best)) best = c;
      }
      return true;
    });
    return best;
  }

  /** The first lone victim of `lone` (in tie-breaker order) whose host takes the job, or none. */
  private firstLone(ctx: FilterContext, job: PreparedJob, lone: LoneVictims | undefined): ReclaimCandidate | undefined {
    if (!lone) return undefined;
    const leaf = lone.tree.firstAccepted(job.cpu, job.mem, (leaf) => {
      const i = lone.hosts[leaf];
      return !job.excluded.has(ctx.ledger.hosts[i].host.id) && confirmHost(ctx, job, i, ctx.preemptionFilters).ok;
    }, (leaf) => this.index.restore(lone, leaf));
    return leaf < 0 ? undefined : candidateOf(this.orders, lone.hosts[leaf], [lone.victims[leaf]], true);
  }

  /** Victims on host i in the given order until the job fits, each borrowed tenant staying a borrower before each; then the unneeded given back. */
  private dryRun(ctx: FilterContext, job: PreparedJob, i: number, ordered: readonly RunningJob[], own: string, cheapestOrder: boolean): RunningJob[] | undefined {
    let cpu = ctx.ledger.freeCpu(i);
    let mem = ctx.ledger.freeMem(i);
    const taken: RunningJob[] = [];
    const removed = new Map<string, { cpu: number; memoryMb: number }>();
    const stillBorrowing = (v: RunningJob): boolean => {
      const t = tenantOf(v);
      if (t === own) return true;
      const r = removed.get(t) ?? { cpu: 0, memoryMb: 0 };
      const acc = this.book.account(t);
      return this.book.dominant(acc.used.cpu - r.cpu, acc.used.memoryMb - r.memoryMb) > acc.fraction * (1 + 1e-9) + 1e-9;
    };
    for (const v of ordered) {
      if (cpu >= job.cpu && mem >= job.mem) break;
      if (!stillBorrowing(v)) continue;
      taken.push(v);
      const t = tenantOf(v);
      const r = removed.get(t) ?? { cpu: 0, memoryMb: 0 };
      removed.set(t, { cpu: r.cpu + v.cpu, memoryMb: r.memoryMb + v.memoryMb });
      cpu += cpuShare(v.cpu);
      mem += memoryKb(v.memoryMb);
    }
    if (cpu < job.cpu || mem < job.mem) return undefined;
    // Given back most valuable first. Giving one back only makes its tenant borrow more: the others stay valid.
    const byValue = cheapestOrder ? taken.slice() : [...taken].sort(this.orders.cheapestFirst);
    return giveBackUnneeded(taken, byValue, job, cpu, mem);
  }

  /** The candidate's victims were preempted: they no longer run on its host. */
  preempted(c: ReclaimCandidate): void {
    const gone = new Set(c.victims.map((v) => v.id));
    this.index.setBeffOn(c.hostIndex, this.index.beffOn(c.hostIndex).filter((v) => !gone.has(v.id)));
  }
}
