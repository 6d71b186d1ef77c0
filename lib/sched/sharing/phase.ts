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
import type { QueuedJob, RunningJob, SharingInput, WaitCode, WaitReason } from '../contract';
import type { Ledger } from '../ledger';
import type { Snapshot } from '../snapshot';
import { TenantBook, tenantOf, type TenantAccount } from './accounts';
import { cloudCapacity } from './capacity';
import { fairOrder } from './order';
import { Reclaimer, type ReclaimCandidate } from './reclaim';

const num = (n: number): string => `${+n.toFixed(2)}`;
const reason = (code: WaitCode, message: string, details: Record<string, unknown>): WaitReason => ({ code, message, details });
const CAPACITY: ReadonlySet<WaitCode> = new Set<WaitCode>(['capacity.cpu', 'capacity.memory', 'capacity.cpuAndMemory']);

export class SharingPhase {
  readonly book: TenantBook;
  private readonly reclaimer: Reclaimer;
  /**
   * Bumped when room a reclaim counts (free, and borrowed) may have grown: a tenant that starts
   * borrowing (its jobs become victims), or a prod job that takes its own tenant's jobs below
   * its guarantee (room that was not others' to take). In between it only shrinks, and a
   * reclaim that failed fails again (the failure cache keeps it).
   */
  private epoch = 0;
  /** Bumped when a preemption leaves free room: a prod job over its guarantee counts only free room and its own tenant's jobs. */
  private preemptions = 0;

  constructor(sharing: SharingInput, snapshot: Snapshot, applyReserved: boolean, running: readonly RunningJob[], queue: readonly QueuedJob[], ledger: Ledger, beffByHost: ReadonlyMap<number, readonly RunningJob[]>, now: number, maxHost: number) {
    this.book = new TenantBook(sharing, cloudCapacity(snapshot, applyReserved), running, queue);
    this.reclaimer = new Reclaimer(this.book, ledger, beffByHost, now, maxHost);
  }

  order(ordered: readonly QueuedJob[]): Iterable<QueuedJob> {
    return fairOrder(this.book, ordered);
  }

  accountOf(job: QueuedJob): TenantAccount {
    return this.book.account(tenantOf(job));
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
   * Part of the failure cache's key: which victims a search counted. A best-effort job reclaims
   * borrowed room only, whoever its tenant (a tenant below its guarantee borrows nothing of its
   * own); a prod job counts its own tenant's jobs too, and others' borrowed room only while it
   * stays within its guarantee.
   */
  cacheKey(p: PreparedJob, canPreempt: boolean): string {
    if (!canPreempt) return '';
    if (p.job.class !== 'prod') return `|r${this.epoch}`;
    const t = tenantOf(p.job);
    return this.reclaimer.mayReclaim(this.accountOf(p.job), p) ? `|t${t}|${this.epoch}` : `|o${t}|${this.preemptions}`;
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
    // Searches that count borrowed room (a reclaim) find no more than before: the victims of
    // other tenants were borrowed room (their tenant still borrowed before each was taken:
    // reclaim.ts's dry run), now free room or the preemptor's. The preemptor's own tenant's
    // victims were not others' to take, unless it still borrows.
    const own = this.accountOf(p.job);
    if (!this.book.borrowing(own) && c.victims.some((v) => tenantOf(v) === own.id)) this.epoch++;
    // Room the preemptor does not take is free room, new to a search of free room and its own tenant's jobs only.
    let cpu = -p.job.cpu;
    let mem = -p.job.memoryMb;
    for (const v of c.victims) {
      cpu += v.cpu;
      mem += v.memoryMb;
    }
    if (cpu > 1e-9 || mem > 1e-9) this.preemptions++;
  }

  /** The preemptor could not take the room its victims freed: it is free room. */
  roomLeft(): void {
    this.preemptions++;
  }

  /** A job started (deploy, resume): its tenant's account grows. */
  placed(p: PreparedJob): void {
    if (p.kind === 'migrate') return;
    const a = this.accountOf(p.job);
    const was = this.book.borrowing(a);
    this.book.add(p.job, p.job.cpu, p.job.memoryMb);
    this.reclaimer.accountChanged(a.id);
    if (!was && this.book.borrowing(a)) this.epoch++;
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
