/**
 * What GET /tenants shows: per tenant its share, its guarantee, what it runs, what of that is
 * borrowed, what of its guarantee others borrow (lent), what waits, and its limits. Pure: the
 * caller gives the configuration, the cloud's capacity (cloudCapacity) and the jobs.
 */
import type { TenantLimits } from '../../domain/tenant';
import type { QueuedJob, RunningJob, SharingInput } from '../contract';
import { TenantBook, tenantOf } from './accounts';
import type { CloudCapacity } from './capacity';

export interface ResourceAmount {
  readonly vcpu: number;
  readonly memoryMb: number;
}

export interface TenantSummary {
  readonly id: string;
  readonly description?: string;
  /** The configured weight; 0 for a tenant not in the configuration that has work. */
  readonly share: number;
  /** share / sum of shares. */
  readonly fraction: number;
  readonly guaranteed: ResourceAmount;
  readonly used: ResourceAmount & { readonly runningJobs: number };
  /** Dominant share of the cloud it uses now (0 to 1). */
  readonly usedShare: number;
  /** What it runs beyond its guarantee, per resource. */
  readonly borrowed: ResourceAmount;
  /** The part of its idle guarantee that other tenants' borrowing takes now, per resource. */
  readonly lent: ResourceAmount;
  readonly waiting: ResourceAmount & { readonly jobs: number };
  readonly limits?: TenantLimits;
  readonly borrowLimit?: { readonly vcpu?: number; readonly memoryMb?: number };
}

export interface SummaryInput {
  readonly sharing: SharingInput;
  readonly capacity: CloudCapacity;
  readonly running: readonly RunningJob[];
  readonly queue: readonly QueuedJob[];
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

export function tenantSummary(input: SummaryInput): TenantSummary[] {
  const book = new TenantBook(input.sharing, input.capacity, input.running, input.queue);
  const accounts = book.all();
  const waiting = new Map<string, { jobs: number; vcpu: number; memoryMb: number }>();
  for (const j of input.queue) {
    if (j.migrateFrom) continue;
    const w = waiting.get(tenantOf(j)) ?? { jobs: 0, vcpu: 0, memoryMb: 0 };
    w.jobs++;
    w.vcpu += j.cpu;
    w.memoryMb += j.memoryMb;
    waiting.set(tenantOf(j), w);
  }
  const over = (a: (typeof accounts)[number], k: 'cpu' | 'memoryMb'): number => Math.max(0, a.used[k] - a.guaranteed[k]);
  const idle = (a: (typeof accounts)[number], k: 'cpu' | 'memoryMb'): number => Math.max(0, a.guaranteed[k] - a.used[k]);
  const lentOf = (a: (typeof accounts)[number], k: 'cpu' | 'memoryMb'): number => {
    // Borrowed room is taken from the idle guarantees, in proportion to each.
    const borrowed = accounts.reduce((s, b) => s + over(b, k), 0);
    const idleAll = accounts.reduce((s, b) => s + idle(b, k), 0);
    return idleAll > 0 ? (idle(a, k) / idleAll) * Math.min(idleAll, borrowed) : 0;
  };
  return accounts.map((a) => {
    const w = waiting.get(a.id) ?? { jobs: 0, vcpu: 0, memoryMb: 0 };
    return {
      id: a.id,
      ...(a.tenant?.description !== undefined ? { description: a.tenant.description } : {}),
      share: a.tenant?.share ?? 0,
      fraction: round(a.fraction),
      guaranteed: { vcpu: round(a.guaranteed.cpu), memoryMb: round(a.guaranteed.memoryMb) },
      used: { vcpu: round(a.used.cpu), memoryMb: round(a.used.memoryMb), runningJobs: a.used.jobs },
      usedShare: round(book.dominant(a.used.cpu, a.used.memoryMb)),
      borrowed: { vcpu: round(over(a, 'cpu')), memoryMb: round(over(a, 'memoryMb')) },
      lent: { vcpu: round(lentOf(a, 'cpu')), memoryMb: round(lentOf(a, 'memoryMb')) },
      waiting: { jobs: w.jobs, vcpu: round(w.vcpu), memoryMb: round(w.memoryMb) },
      ...(a.tenant?.limits ? { limits: a.tenant.limits } : {}),
      ...(a.tenant?.borrowLimit ? { borrowLimit: a.tenant.borrowLimit } : {}),
    };
  });
}
