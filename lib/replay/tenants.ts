/**
 * Per tenant, how its used share of the cloud compared with its share, over the replay:
 * the replay is cut into BINS equal intervals; in each, a tenant's used share is its CPU-time
 * over the cloud's (from the VMs' physical segments). Its entitlement in a bin is its share
 * over the shares of the tenants with work in the system then (submitted, not ended): a tenant
 * with nothing to run cannot use its share, and the others may borrow it. Deviation counts the
 * bins where the cloud is saturated (≥ 90 % used) and the tenant has jobs waiting to start, the
 * bins where sharing decides who runs.
 */
import type { Tenant } from '../domain/tenant';
import type { SimResult } from './engine';

export interface TenantFigure {
  readonly id: string;
  /** Configured share as a fraction of all shares. */
  readonly share: number;
  /** Mean used share of the cloud over the saturated bins where it waited. */
  readonly usedShareMean: number;
  /** Mean |used share − entitled share| over the same bins. */
  readonly deviationMean: number;
  /** Bins counted. */
  readonly bins: number;
}

export const BINS = 400;
const SATURATED = 0.9;

export interface TenantSeries {
  readonly from: number;
  readonly width: number;
  /** Per tenant, per bin: used share. */
  readonly used: ReadonlyMap<string, Float64Array>;
  readonly total: Float64Array;
}

export function tenantSeries(r: SimResult): TenantSeries {
  const from = r.startMs + Math.min(...r.workload.jobs.map((j) => j.submit)) * 1000;
  const to = Math.max(from + 1, ...r.segments.map((s) => s.end));
  const width = (to - from) / BINS;
  const cap = r.workload.cloud.hosts * r.workload.cloud.hostCpus * width;
  const used = new Map<string, Float64Array>();
  const total = new Float64Array(BINS);
  for (const s of r.segments) {
    let u = used.get(s.tenant);
    if (!u) used.set(s.tenant, (u = new Float64Array(BINS)));
    const b0 = Math.max(0, Math.floor((s.start - from) / width));
    const b1 = Math.min(BINS - 1, Math.floor((s.end - from) / width));
    for (let b = b0; b <= b1; b++) {
      const lo = Math.max(s.start, from + b * width);
      const hi = Math.min(s.end, from + (b + 1) * width);
      if (hi <= lo) continue;
      const v = (s.cpu * (hi - lo)) / cap;
      u[b] += v;
      total[b] += v;
    }
  }
  return { from, width, used, total };
}

export function tenantFigures(r: SimResult, tenants: readonly Tenant[] | undefined): TenantFigure[] {
  const ids = [...new Set(r.workload.jobs.map((j) => j.tenant))].sort();
  const shareOf = new Map(ids.map((id) => [id, tenants?.find((t) => t.id === id)?.share ?? (tenants ? 0 : 1)]));
  const all = [...shareOf.values()].reduce((a, b) => a + b, 0);
  const series = tenantSeries(r);
  const bin = (ms: number): number => Math.floor((ms - series.from) / series.width);
  // Per bin: tenants with work in the system, and tenants with a job waiting to start.
  const present = ids.map(() => new Uint8Array(BINS));
  const waiting = ids.map(() => new Uint8Array(BINS));
  const index = new Map(ids.map((id, k) => [id, k]));
  for (const rec of r.records) {
    const k = index.get(rec.job.tenant)!;
    const submit = r.startMs + rec.job.submit * 1000;
    const b0 = Math.max(0, bin(submit));
    const end = Math.min(BINS - 1, bin(rec.end ?? series.from + series.width * BINS));
    const started = Math.min(BINS - 1, bin(rec.firstStart ?? series.from + series.width * BINS));
    for (let b = b0; b <= end; b++) present[k][b] = 1;
    for (let b = b0; b < started; b++) waiting[k][b] = 1;
  }
  const shares = new Float64Array(BINS);
  ids.forEach((id, k) => {
    for (let b = 0; b < BINS; b++) if (present[k][b]) shares[b] += shareOf.get(id)!;
  });
  return ids.map((id, k) => {
    const used = series.used.get(id) ?? new Float64Array(BINS);
    let n = 0;
    let usedSum = 0;
    let dev = 0;
    for (let b = 0; b < BINS; b++) {
      if (series.total[b] < SATURATED || !waiting[k][b] || shares[b] <= 0) continue;
      n++;
      usedSum += used[b];
      dev += Math.abs(used[b] - shareOf.get(id)! / shares[b]);
    }
    return { id, share: all > 0 ? shareOf.get(id)! / all : 0, usedShareMean: n ? usedSum / n : 0, deviationMean: n ? dev / n : 0, bins: n };
  });
}
