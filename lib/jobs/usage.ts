/**
 * GET /usage: finished jobs' usage over a range of days, summed by tenant, user or service, as
 * Slurm's sreport answers "cluster utilisation by account". Users see their own usage, admins
 * everyone's (or one user's).
 */
import type { Caller } from '../domain/caller';
import type { JobState } from '../domain/job';
import { USAGE_FIGURES, type UsageFigure } from '../domain/usage';
import type { UsageDay, UsageRepository } from '../store/usage';
import { InvalidUsageQueryError } from './errors';

export const USAGE_GROUPS = ['tenant', 'user', 'service'] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

/** Longest range one request reads: a year (a leap year's days) is 12 month partitions. */
export const MAX_USAGE_DAYS = 366;
/** Without `from`: the 30 days that end with `to`. */
const DEFAULT_DAYS = 30;

export interface UsageRequest {
  readonly from?: string;
  readonly to?: string;
  readonly by?: UsageGroup;
  /** Admins only: one user's usage. */
  readonly user?: string;
}

export type UsageRow = { readonly key: string; readonly jobs: number; readonly outcomes: Partial<Record<JobState, number>> } & Readonly<Record<UsageFigure, number>>;

export interface UsageReport {
  readonly from: string;
  readonly to: string;
  readonly by: UsageGroup;
  /** Largest vCPU-seconds first. */
  readonly rows: UsageRow[];
}

export interface UsageServiceDeps {
  readonly usage: Pick<UsageRepository, 'days'>;
  readonly clock: () => number;
}

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A real calendar day as YYYY-MM-DD, in ms since the epoch; the field named when it is not one. */
function dayOf(field: string, text: string): number {
  const ms = Date.parse(`${text}T00:00:00.000Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || !Number.isFinite(ms) || isoDay(ms) !== text) {
    throw new InvalidUsageQueryError(field, `${field} must be a calendar day as YYYY-MM-DD (UTC), not "${text.slice(0, 40)}"`);
  }
  return ms;
}

/** Sums of day items by one of their names; figures kept to the millisecond. */
export function groupUsage(days: readonly UsageDay[], by: UsageGroup): UsageRow[] {
  const rows = new Map<string, { jobs: number; outcomes: Partial<Record<JobState, number>>; figures: Record<UsageFigure, number> }>();
  for (const d of days) {
    const key = d[by];
    let row = rows.get(key);
    if (!row) {
      row = { jobs: 0, outcomes: {}, figures: Object.fromEntries(USAGE_FIGURES.map((f) => [f, 0])) as Record<UsageFigure, number> };
      rows.set(key, row);
    }
    row.jobs += d.jobs;
    for (const f of USAGE_FIGURES) row.figures[f] += d.figures[f];
    for (const [state, n] of Object.entries(d.outcomes) as Array<[JobState, number]>) row.outcomes[state] = (row.outcomes[state] ?? 0) + n;
  }
  return [...rows].map(([key, r]) => ({
    key, jobs: r.jobs,
    ...(Object.fromEntries(USAGE_FIGURES.map((f) => [f, Math.round(r.figures[f] * 1000) / 1000])) as Record<UsageFigure, number>),
    outcomes: r.outcomes,
  })).sort((a, b) => b.vcpuSeconds - a.vcpuSeconds || a.key.localeCompare(b.key));
}

export class UsageService {
  constructor(private readonly deps: UsageServiceDeps) {}

  async report(caller: Caller, req: UsageRequest): Promise<UsageReport> {
    const by = req.by ?? 'tenant';
    const toMs = req.to === undefined ? Date.parse(`${isoDay(this.deps.clock())}T00:00:00.000Z`) : dayOf('to', req.to);
    const fromMs = req.from === undefined ? toMs - (DEFAULT_DAYS - 1) * DAY_MS : dayOf('from', req.from);
    if (fromMs > toMs) throw new InvalidUsageQueryError('to', `to (${isoDay(toMs)}) is before from (${isoDay(fromMs)})`);
    if ((toMs - fromMs) / DAY_MS + 1 > MAX_USAGE_DAYS) {
      throw new InvalidUsageQueryError('to', `from ${isoDay(fromMs)} to ${isoDay(toMs)} is more than ${MAX_USAGE_DAYS} days: ask for a year at most at a time`);
    }
    const from = isoDay(fromMs);
    const to = isoDay(toMs);
    // Users see their own usage; admins everyone's, or one user's.
    const user = caller.role === 'admin' ? req.user : caller.user;
    const days = await this.deps.usage.days({ from, to, ...(user === undefined ? {} : { user }) });
    return { from, to, by, rows: groupUsage(days, by) };
  }
}
