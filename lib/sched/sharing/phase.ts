/**
 * The sharing phase of plan() (pipeline.ts): present only with PlanInput.sharing. It
 *  - orders the queue fairly (order.ts);
 *  - holds a job whose tenant would pass a hard limit or its borrowing limit (`tenant.limit`);
 *  - lets a job reclaim room from borrowing tenants (reclaim.ts), and says in each victim's
 *    reason who got the room back;
 *  - explains a job that waits for room while its tenant is over its guarantee (it cannot
 *    reclaim, only borrow what is idle: `tenant.overShare`).
 * Every rejection it makes is a WaitReason, as the filters' are.
 */
import type { FilterContext, PreparedJob } from '../filter';
import type { Revalidator } from '../failureCache';
import type { QueuedJob, RunningJob, SharingInput, WaitCode, WaitReason } from '../contract';
import type { Ledger } from '../ledger';
import type { Snapshot } from '../snapshot';
import { TenantBook, tenantOf, type TenantAccount } from './accounts';
import { cloudCapacity } from './capacity';
import { fairOrder, type Given } from './order';
import { Reclaimer, type ReclaimCandidate } from './reclaim';

const num = (n: number): string => `${+n.toFixed(2)}`;
const reason = (code: WaitCode, message: string, details: Record<string, unknown>): WaitReason => ({ code, message, details });
const CAPACITY: ReadonlySet<WaitCode> = new Set<WaitCode>(['capacity.cpu', 'capacity.memory', 'capacity.cpuAndMemory']);

export class SharingPhase implements Revalidator {
  readonly book: TenantBook;
  private readonly reclaimer: Reclaimer;
  /**
   * Bumped when borrowed room (the room every reclaim counts, with free room) may have grown on
   * many hosts: a tenant that starts borrowing (its jobs become victims). In between it only
   * shrinks, and a reclaim that failed fails again (the failure cache keeps it), but on one
   * host at a time:
   */
  private epoch = 0;
  /**
   * Hosts (ledger index) where a prod job took its own tenant's jobs below its guarantee: room
   * that was not others' to take, and what the job left of it is free room now. The failure
   * cache checks its entries against the hosts added since (`stillNone`).
   */
  private readonly grown: number[] = [];
  /** The job the fair order gave last and its accounts: the job each step is about. */
  private readonly given: Given = {};
  /** The failure cache key's part for this epoch (`cacheKey`): made once, not per job. */
  private reclaimKey = '|r0';

  constructor(sharing: SharingInput, snapshot: Snapshot, applyReserved: boolean, running: readonly RunningJob[], ledger: Ledger, beffByHost: ReadonlyMap<number, readonly RunningJob[]>, now: number, maxHost: number) {
    // No queue: the fair order meets each job's user as it groups them (order.ts).
    this.book = new TenantBook(sharing, cloudCapacity(snapshot, applyReserved), running);
    this.reclaimer = new Reclaimer(this.book, ledger, beffByHost, now, maxHost);
  }

  /** Calls `step` with each job of `ordered` in fair order (see order.ts). */
  forEachInOrder(ordered: readonly QueuedJob[], step: (job: QueuedJob, order: number) => void): void {
    fairOrder(this.book, ordered, step, this.given);
  }

  /** The job's tenant's account (asked several times per job: the fair order gave it with the job). */
  accountOf(job: QueuedJob): TenantAccount {
    return job === this.given.job ? this.given.account! : this.book.account(tenantOf(job));
  }

  /** A job that would start new work (not a migration) and would pass a limit of its tenant waits. */
  limit(p: PreparedJob): WaitReason | undefined {
    if (p.kind === 'migrate') return undefined;
    const a = this.accountOf(p.job);
    const l = a.tenant?.limits;
    const b = a.tenant?.borrowLimit;
    // Most tenants have no limit: no closure, no allocation for them (this runs for every job).
    if (l === undefined && b === undefined) return undefined;
    const cpu = p.job.cpu;
    const mem = p.job.memoryMb;
    const details = (limit: string, value: number, used: number): Record<string, unknown> => ({ tenant: a.id, limit, value, used, need: limit === 'runningJobs' ? 1 : limit === 'vcpu' ? cpu : mem });
    if (l?.vcpu !== undefined && a.used.cpu + cpu > l.vcpu + 1e-9) {
      return reason('tenant.limit', `tenant ${a.id} is at its limit of ${num(l.vcpu)} vCPU (it runs ${num(a.used.cpu)}, this job needs ${num(cpu)}): it starts when the tenant's jobs end.`, details('vcpu', l.vcpu, a.used.cpu));
    }
    if (l?.memoryMb !== undefined && a.used.memoryMb + mem > l.memoryMb + 1e-9) {
      return reason('tenant.limit', `tenant ${a.id} is at its limit of ${num(l.memoryMb)} MB (it runs ${num(a.used.memoryMb)}, this job needs ${num(mem)}): it starts when the tenant's jobs end.`, details('memoryMb', l.memoryMb, a.used.memoryMb));
    }
    if (l?.runningJobs !== undefined && a.used.jobs + 1 > l.runningJobs) {
      return reason('tenant.limit', `tenant ${a.id} is at its limit of ${l.runningJobs} running jobs: it starts when one of them ends.`, details('runningJobs', l.runningJobs, a.used.jobs));
    }
    if (b?.vcpu !== undefined && a.used.cpu + cpu > a.guaranteed.cpu + b.vcpu + 1e-9) {
      return reason('tenant.limit', `tenant ${a.id} may borrow at most ${num(b.vcpu)} vCPU beyond its guaranteed ${num(a.guaranteed.cpu)} (it runs ${num(a.used.cpu)}, this job needs ${num(cpu)}): it starts when the tenant's jobs end.`,
        { ...details('borrowLimit.vcpu', b.vcpu, a.used.cpu), guaranteed: a.guaranteed.cpu });
    }
    if (b?.memoryMb !== undefined && a.used.memoryMb + mem > a.guaranteed.memoryMb + b.memoryMb + 1e-9) {
      return reason('tenant.limit', `tenant ${a.id} may borrow at most ${num(b.memoryMb)} MB beyond its guaranteed ${num(a.guaranteed.memoryMb)} (it runs ${num(a.used.memoryMb)}, this job needs ${num(mem)}): it starts when the tenant's jobs end.`,
        { ...details('borrowLimit.memoryMb', b.memoryMb, a.used.memoryMb), guaranteed: a.guaranteed.memoryMb });
    }
    return undefined;
  }

  /** Can the job make room by preemption at all (prod in its tenant, or reclaiming its guarantee)? */
  canPreempt(p: PreparedJob): boolean {
    if (p.kind !== 'deploy' && p.kind !== 'resume') return false;
    return p.job.class === 'prod' || this.reclaimer.mayReclaim(this.accountOf(p.job), p);
  }

  /**
   * Part of the failure cache's key for a job that may reclaim. What its entries say holds for
   * every tenant: no host has room for the shape in free and borrowed room. A best-effort job
   * counts just that (a tenant below its guarantee borrows nothing of its own); a prod job
   * counts its own tenant's jobs too, so a failure found by any job answers a prod job only
   * where its own tenant's room cannot hold it either (`ownRoomMayFit`).
   */
  cacheKey(p: PreparedJob, canPreempt: boolean): string {
    return canPreempt ? this.reclaimKey : '';
  }

  /** Whether the prod job's own tenant's best-effort jobs could make room where free and borrowed room do not (a cached failure does not answer it then). */
  ownRoomMayFit(p: PreparedJob): boolean {
    return p.job.class === 'prod' && p.group !== undefined && this.reclaimer.ownRoomMayFit(p.group, this.accountOf(p.job).id, p.cpu, p.mem);
  }

  /** Borrowed room may have grown on many hosts: every failure found so far is stale. */
  private newEpoch(): void {
    this.epoch++;
    this.reclaimKey = `|r${this.epoch}`;
  }

  find(ctx: FilterContext, p: PreparedJob): ReclaimCandidate | undefined {
    return this.reclaimer.find(ctx, p, this.accountOf(p.job));
  }

  /** The reason written in a victim's history. */
  victimReason(p: PreparedJob, v: RunningJob, hostId: number, hostName: string): string {
    const a = this.accountOf(p.job);
    const t = tenantOf(v);
    if (t === a.id) {
      return `prod job ${p.job.id} of tenant ${a.id} needs ${p.cpu / 100} CPU and ${p.mem / 1024} MB and no host had room; the tenant's best-effort jobs on host ${hostId} (${hostName}) give way.`;
    }
    const b = this.book.account(t);
    if (this.book.withinGuaranteeWith(a, p.job.cpu, p.job.memoryMb)) {
      return `preempted to return ${num(p.job.cpu)} vCPU to tenant ${a.id} (below its share): tenant ${b.id} runs ${num(b.used.cpu)} vCPU, above its guaranteed ${num(b.guaranteed.cpu)}.`;
    }
    return `preempted for prod job ${p.job.id} of tenant ${a.id}: tenant ${b.id} runs ${num(b.used.cpu)} vCPU, above its guaranteed ${num(b.guaranteed.cpu)}.`;
  }

  preempted(p: PreparedJob, c: ReclaimCandidate): void {
    for (const v of c.victims) this.book.remove(v, v.cpu, v.memoryMb);
    this.reclaimer.preempted(c);
    for (const v of c.victims) this.reclaimer.accountChanged(tenantOf(v));
    // Free and borrowed room grows no more than by what the preemptor's own tenant's victims
    // leave (other tenants' victims were borrowed room: their tenant still borrowed before each
    // was taken, reclaim.ts's dry run), unless that tenant still borrows (they were borrowed).
    const own = this.ownVictims(p, c);
    if (own && (own.cpu > p.job.cpu + 1e-9 || own.memoryMb > p.job.memoryMb + 1e-9)) this.grown.push(c.hostIndex);
  }

  /** The preemptor could not take the room its victims freed: all of it is free room. */
  roomLeft(p: PreparedJob, c: ReclaimCandidate): void {
    if (this.ownVictims(p, c)) this.grown.push(c.hostIndex);
  }

  /** What the preemptor's own tenant's victims freed, when that tenant does not borrow (none: no such victim). */
  private ownVictims(p: PreparedJob, c: ReclaimCandidate): { cpu: number; memoryMb: number } | undefined {
    const own = this.accountOf(p.job);
    if (this.book.borrowing(own)) return undefined;
    let freed: { cpu: number; memoryMb: number } | undefined;
    for (const v of c.victims) {
      if (tenantOf(v) !== own.id) continue;
      freed ??= { cpu: 0, memoryMb: 0 };
      freed.cpu += v.cpu;
      freed.memoryMb += v.memoryMb;
    }
    return freed;
  }

  stamp(): number {
    return this.grown.length;
  }

  stillNone(p: PreparedJob, cpu: number, mem: number, since: number): boolean {
    const group = p.group;
    if (!group) return true;
    for (let k = since; k < this.grown.length; k++) {
      const i = this.grown[k];
      if (group.leafOf[i] >= 0 && this.reclaimer.roomFits(i, cpu, mem)) return false;
    }
    return true;
  }

  /** A job started (deploy, resume): its tenant's account grows. */
  placed(p: PreparedJob): void {
    if (p.kind === 'migrate') return;
    const a = this.accountOf(p.job);
    const was = this.book.borrowing(a);
    if (p.job === this.given.job) this.book.addTo(a, this.given.user!, p.job.cpu, p.job.memoryMb);
    else this.book.add(p.job, p.job.cpu, p.job.memoryMb);
    this.reclaimer.accountChanged(a.id);
    if (!was && this.book.borrowing(a)) this.newEpoch();
  }

  /**
   * A job waiting for room while its tenant would be over its guarantee with it cannot
   * reclaim: it borrows idle room only, and says so.
   */
  explain(p: PreparedJob, base: WaitReason): WaitReason {
    if (!CAPACITY.has(base.code) || p.kind === 'migrate') return base;
    const a = this.accountOf(p.job);
    if (this.book.withinGuaranteeWith(a, p.job.cpu, p.job.memoryMb)) return base;
    const byMemory = this.book.dominant(0, a.used.memoryMb + p.job.memoryMb) > this.book.dominant(a.used.cpu + p.job.cpu, 0);
    const [used, g, unit] = byMemory ? [a.used.memoryMb, a.guaranteed.memoryMb, 'MB'] : [a.used.cpu, a.guaranteed.cpu, 'vCPU'];
    const details = { tenant: a.id, used, guaranteed: g, unit, room: base.code, ...base.details };
    if (used > g) {
      return reason('tenant.overShare', `tenant ${a.id} runs ${num(used)} ${unit}, ${num(used - g)} over its guaranteed ${num(g)}: waits for idle capacity (${base.message})`, details);
    }
    const need = byMemory ? p.job.memoryMb : p.job.cpu;
    return reason('tenant.overShare', `tenant ${a.id} runs ${num(used)} ${unit} of its guaranteed ${num(g)}; with this job's ${num(need)} it would be over: waits for idle capacity (${base.message})`, details);
  }
}
