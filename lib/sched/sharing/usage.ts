/**
 * Decayed past usage (AWS Batch's shareDecaySeconds, Slurm's PriorityDecayHalfLife): what each
 * tenant (and each user inside it) has used, in dominant-share-seconds, with usage `h` seconds
 * old counting half. The caller keeps the record between plans and gives it back each round
 * (SharingInput.usage); the planner reads it to put the tenant that used least, for its share,
 * first.
 */
import { DEFAULT_TENANT } from '../../domain/tenant';
import type { RunningJob } from '../contract';
import type { CloudCapacity } from './capacity';

export interface UsageRecord {
  /** Per tenant id, dominant-share-seconds. */
  readonly usage: Readonly<Record<string, number>>;
  /** Per `${tenant}/${user}`, dominant-share-seconds. */
  readonly userUsage: Readonly<Record<string, number>>;
  /** When the record was computed, ms since the epoch. */
  readonly at: number;
}

/** Entries decayed below this are dropped, so tenants and users long gone do not stay for ever. */
const NEGLIGIBLE = 1e-6;

export const userKey = (tenant: string, user: string): string => `${tenant}/${user}`;

/** A job's dominant share of the cloud: the larger of its CPU and memory fractions (DRF). */
export function dominantShare(cpu: number, memoryMb: number, capacity: CloudCapacity): number {
  const c = capacity.cpu > 0 ? cpu / capacity.cpu : 0;
  const m = capacity.memoryMb > 0 ? memoryMb / capacity.memoryMb : 0;
  return c > m ? c : m;
}

/**
 * The record at `now`: the previous one decayed by 2^(−Δt/h), plus, for each RUNNING job, its
 * dominant share integrated (with the same decay) from when it started or the previous record,
 * whichever is later. Jobs are taken to have run the whole of that interval: the caller
 * records often (every tick), so a job that ended in between is missed by less than a tick.
 */
export function decayUsage(prev: UsageRecord | undefined, running: readonly RunningJob[], capacity: CloudCapacity, now: number, halfLifeSeconds: number): UsageRecord {
  if (!(halfLifeSeconds > 0)) throw new RangeError(`halfLifeSeconds must be a number of seconds above 0, not ${halfLifeSeconds}`);
  if (!Number.isFinite(now)) throw new RangeError(`now must be a time in ms, not ${now}`);
  const h = halfLifeSeconds;
  const from = prev?.at ?? now;
  const factor = now > from ? 2 ** (-(now - from) / 1000 / h) : 1;
  const usage: Record<string, number> = {};
  const userUsage: Record<string, number> = {};
  const add = (into: Record<string, number>, key: string, value: number): void => {
    into[key] = (into[key] ?? 0) + value;
  };
  for (const [k, v] of Object.entries(prev?.usage ?? {})) add(usage, k, v * factor);
  for (const [k, v] of Object.entries(prev?.userUsage ?? {})) add(userUsage, k, v * factor);
  for (const r of [...running].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    if (r.state !== 'RUNNING') continue;
    const start = Math.max(from, r.startedAt);
    if (!(now > start)) continue;
    // ∫ share · 2^(−(now−t)/h) dt over [start, now], t in seconds.
    const seconds = (now - start) / 1000;
    const value = dominantShare(r.cpu, r.memoryMb, capacity) * (h / Math.LN2) * (1 - 2 ** (-seconds / h));
    const tenant = r.tenant ?? DEFAULT_TENANT;
    add(usage, tenant, value);
    if (r.user !== undefined) add(userUsage, userKey(tenant, r.user), value);
  }
  return { usage: prune(usage), userUsage: prune(userUsage), at: Math.max(now, from) };
}

function prune(record: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(record).sort()) if (record[k] >= NEGLIGIBLE) out[k] = record[k];
  return out;
}
