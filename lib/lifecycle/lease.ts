/**
 * One holder at a time for a piece of work (the tick, the optimiser): the lease is taken
 * conditionally, renewed while the work goes on, and given back when it ends, so a holder
 * that dies keeps the others off for one TTL at most.
 */
import type { LeaseStore } from './ports';

export interface LeaseSpec {
  readonly leases: LeaseStore;
  readonly name: string;
  /** Who holds it (the invocation id). */
  readonly owner: string;
  readonly ttlMs: number;
  readonly clock: () => number;
}

export interface HeldLease {
  /** Renews it once a third of the TTL has gone (every call with `force`); false when it is no longer ours. */
  keep(force?: boolean): Promise<boolean>;
  /**
   * Gives the lease back before the work ends, through `release` (a conditional release, e.g.
   * unless something new arrived); true when it is given back, and then the end of the work
   * gives back nothing more.
   */
  handBack(release: () => Promise<boolean>): Promise<boolean>;
}

export type LeaseOutcome<T> = { readonly held: true; readonly value: T } | { readonly held: false };

/**
 * Runs `work` under the lease, or answers `{ held: false }` when another owner holds it.
 * `acquired` runs right after the lease is taken, outside the release: what it throws leaves
 * the lease held, as a process killed there would (the fault suite's `after-lease`).
 */
export async function withLease<T>(spec: LeaseSpec, work: (lease: HeldLease) => Promise<T>, acquired?: () => void): Promise<LeaseOutcome<T>> {
  const { leases, name, owner, ttlMs, clock } = spec;
  let renewed = clock();
  if (!(await leases.acquire(name, owner, ttlMs, renewed))) return { held: false };
  acquired?.();
  let handedBack = false;
  const lease: HeldLease = {
    async keep(force = false) {
      const now = clock();
      if (!force && now - renewed < ttlMs / 3) return true;
      renewed = now;
      return leases.renew(name, owner, ttlMs, now);
    },
    async handBack(release) {
      handedBack = await release();
      return handedBack;
    },
  };
  try {
    return { held: true, value: await work(lease) };
  } finally {
    if (!handedBack) await leases.release(name, owner).catch(() => {});
  }
}
