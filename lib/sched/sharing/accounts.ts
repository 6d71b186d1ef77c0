/**
 * Each tenant's account for one plan: its guarantee (DRF: its share, as a fraction of all
 * shares, of the cloud's CPU and of its memory), what it runs (RUNNING jobs, then what the plan
 * starts and preempts), its hard limits, and its place in the fair order. Units are the jobs'
 * (CPU, which svmsched sets to the vCPU asked; MB). Only lib/sched/sharing reads it.
 *
 * Terms used by the phase, the reasons and the tests:
 *  - dominant share: the larger of used CPU / cloud CPU and used memory / cloud memory;
 *  - within its guarantee: dominant share ≤ its fraction (share / sum of shares);
 *  - borrowing (over its guarantee): dominant share above its fraction. A tenant not in the
 *    configuration has no share: all it runs is borrowed.
 */
import { DEFAULT_TENANT, type Tenant } from '../../domain/tenant';
import type { QueuedJob, RunningJob, SharingInput } from '../contract';
import type { CloudCapacity } from './capacity';
import { userKey } from './usage';

/** Relative slack on guarantee comparisons: shares are ratios, sums of them are not exact. */
const EPS = 1e-9;

export interface Amount {
  cpu: number;
  memoryMb: number;
  jobs: number;
}

export interface UserAccount {
  readonly key: string;
  readonly weight: number;
  readonly used: Amount;
  readonly past: number;
}

export interface TenantAccount {
  readonly id: string;
  readonly tenant?: Tenant;
  /** share / sum of shares; 0 for a tenant not in the configuration. */
  readonly fraction: number;
  readonly guaranteed: { readonly cpu: number; readonly memoryMb: number };
  readonly used: Amount;
  /** Its part of all tenants' decayed usage (0 to 1). */
  readonly past: number;
  /** Its decayed usage (its users' parts are of this). */
  readonly usage: number;
  readonly users: Map<string, UserAccount>;
  readonly userWeights: number;
}

export const tenantOf = (job: { readonly tenant?: string }): string => job.tenant ?? DEFAULT_TENANT;
const userOf = (job: { readonly user?: string }): string => job.user ?? '';

export class TenantBook {
  private readonly accounts = new Map<string, TenantAccount>();
  /** Tenants whose account changed (a job started or left) since the fair order last read them (order.ts). */
  readonly changed = new Set<string>();
  private readonly totalShares: number;
  private readonly totalUsage: number;

  constructor(private readonly sharing: SharingInput, readonly capacity: CloudCapacity, running: readonly RunningJob[], queue: readonly QueuedJob[] = []) {
    const seen = new Set<string>();
    for (const t of sharing.tenants) {
      if (seen.has(t.id)) throw new RangeError(`sharing.tenants: tenant ${t.id} appears twice`);
      seen.add(t.id);
      if (!(t.share >= 0) || !Number.isFinite(t.share)) throw new RangeError(`sharing.tenants: share of tenant ${t.id} must be a number ≥ 0, not ${t.share}`);
    }
    this.totalShares = sharing.tenants.reduce((s, t) => s + t.share, 0);
    this.totalUsage = Object.values(sharing.usage).reduce((s, u) => s + (u > 0 ? u : 0), 0);
    for (const t of [...sharing.tenants].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) this.account(t.id);
    for (const r of running) if (r.state === 'RUNNING') this.add(r, r.cpu, r.memoryMb);
    // Users with work but no running job are met here, or by the fair order (order.ts). A
    // user's weight is over all its tenant's users known so far: every user of a tenant is
    // divided by the same sum, so the order among them does not depend on when one is met.
    for (const j of queue) this.user(this.account(tenantOf(j)), userOf(j));
  }

  /** Every tenant known to this plan (configured, or running or queued work), by id. */
  all(): TenantAccount[] {
    return [...this.accounts.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  account(id: string): TenantAccount {
    let a = this.accounts.get(id);
    if (a === undefined) {
      const tenant = this.sharing.tenants.find((t) => t.id === id);
      const fraction = tenant && this.totalShares > 0 ? tenant.share / this.totalShares : 0;
      const users = new Map<string, UserAccount>();
      let userWeights = 0;
      for (const u of tenant?.users ?? []) {
        const key = userKey(id, u.id);
        const weight = u.share > 0 ? u.share : 0;
        users.set(u.id, { key, weight, used: { cpu: 0, memoryMb: 0, jobs: 0 }, past: this.sharing.userUsage?.[key] ?? 0 });
        userWeights += weight;
      }
      a = {
        id, tenant, fraction,
        guaranteed: { cpu: fraction * this.capacity.cpu, memoryMb: fraction * this.capacity.memoryMb },
        used: { cpu: 0, memoryMb: 0, jobs: 0 },
        past: this.totalUsage > 0 ? Math.max(0, this.sharing.usage[id] ?? 0) / this.totalUsage : 0,
        usage: this.sharing.usage[id] ?? 0,
        users, userWeights,
      };
      this.accounts.set(id, a);
    }
    return a;
  }

  /** The tenant's user (registered, weighing 1, if not listed). */
  user(a: TenantAccount, id: string): UserAccount {
    let u = a.users.get(id);
    if (u === undefined) {
      // A user not listed weighs 1 (TenantUser.share's default).
      const key = userKey(a.id, id);
      u = { key, weight: 1, used: { cpu: 0, memoryMb: 0, jobs: 0 }, past: this.sharing.userUsage?.[key] ?? 0 };
      a.users.set(id, u);
      (a as { userWeights: number }).userWeights += 1;
    }
    return u;
  }

  /** A job of the tenant starts (or, with negative amounts, leaves). */
  add(job: { readonly tenant?: string; readonly user?: string }, cpu: number, memoryMb: number): void {
    const a = this.account(tenantOf(job));
    this.addTo(a, this.user(a, userOf(job)), cpu, memoryMb);
  }

  /** The same, for a job whose accounts are known. */
  addTo(a: TenantAccount, user: UserAccount, cpu: number, memoryMb: number): void {
    this.changed.add(a.id);
    const jobs = cpu < 0 || memoryMb < 0 ? -1 : 1;
    const u = user.used;
    a.used.cpu += cpu;
    a.used.memoryMb += memoryMb;
    a.used.jobs += jobs;
    u.cpu += cpu;
    u.memoryMb += memoryMb;
    u.jobs += jobs;
  }

  remove(job: { readonly tenant?: string; readonly user?: string }, cpu: number, memoryMb: number): void {
    this.add(job, -cpu, -memoryMb);
  }

  dominant(cpu: number, memoryMb: number): number {
    const c = this.capacity.cpu > 0 ? cpu / this.capacity.cpu : 0;
    const m = this.capacity.memoryMb > 0 ? memoryMb / this.capacity.memoryMb : 0;
    return c > m ? c : m;
  }

  /** Would the tenant stay within its guarantee with `cpu` and `memoryMb` more? */
  withinGuaranteeWith(a: TenantAccount, cpu: number, memoryMb: number): boolean {
    return a.fraction > 0 && this.dominant(a.used.cpu + cpu, a.used.memoryMb + memoryMb) <= a.fraction * (1 + EPS) + EPS;
  }

  /** Borrowing: above its guarantee (its running jobs are then borrowed room, which others may reclaim). */
  borrowing(a: TenantAccount): boolean {
    return this.dominant(a.used.cpu, a.used.memoryMb) > a.fraction * (1 + EPS) + EPS;
  }

  /**
   * Fair order key, lowest first: how far the tenant is from its share, now (dominant share)
   * and in the past (its part of the decayed usage), per unit of share. A tenant without a share
   * comes after every tenant with one.
   */
  key(a: TenantAccount): number {
    if (a.fraction <= 0) return Number.POSITIVE_INFINITY;
    return (this.dominant(a.used.cpu, a.used.memoryMb) + a.past) / a.fraction;
  }

  /** The same among a tenant's users (their sub-shares), lowest first. */
  userKey(a: TenantAccount, u: UserAccount): number {
    if (u.weight <= 0) return Number.POSITIVE_INFINITY;
    const past = a.usage > 0 ? u.past / a.usage : 0;
    return (this.dominant(u.used.cpu, u.used.memoryMb) + past) / (u.weight / a.userWeights);
  }
}

/** What a queued job adds to its tenant's account when it starts: nothing for a migration (it runs already). */
export function startsNew(job: QueuedJob): boolean {
  return job.migrateFrom === undefined;
}
