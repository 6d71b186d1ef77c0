/**
 * Per tenant, how its used share of the cloud compared with its share, over the replay:
 * the replay is cut into BINS equal intervals; in each, a tenant's used share is its CPU-time
 * over the cloud's (from the VMs' physical segments), and its demand the CPU-time its jobs in
 * the system (submitted, not ended; running or waiting) would take, over the cloud's. Its
 * entitled share in a bin is its weighted max-min fair share (water-filling, DRF's fair
 * allocation with one resource): the cloud is divided among the tenants with demand in
 * proportion to their shares, no tenant is given more than its demand, and what a tenant
 * leaves goes to the others, again by share. That is what a work-conserving scheduler that
 * honours shares can reach: a tenant with little work cannot use its full share, and the
 * others are meant to borrow it. Dividing the cloud by share among the tenants present,
 * whatever their demand, would hold each tenant to a target that no work-conserving schedule
 * meets, and would count a policy that lends idle room as deviating. Deviation counts the
 * bins where the cloud is saturated (≥ 90 % used) and the tenant has demand: there sharing
 * decides who runs, and a tenant running more than its entitlement (borrowed room others
 * wanted) deviates as much as one running less. Jobs are whole: a tenant whose one job is
 * larger than its entitlement runs above or below it, whatever the policy.
 *
 * Time to guarantee (timeToGuarantee), per tenant: its guarantee is its share, over all the
 * tenants' shares, of the cloud's vCPU (as the planner computes it, whoever is present). An
 * episode opens when the tenant has work waiting while it uses less than its guarantee (vCPU
 * on hosts, booting and saving included): a burst arrives, or its jobs end while others wait. It
 * closes when it uses its guarantee or more, or nothing of it waits (its demand is met). A job
 * larger than the gap left closes it when it starts: the tenant then runs at or above its
 * guarantee. An episode still open when the replay ends counts with the time it had been open (a
 * lower bound), so a policy that never gives a tenant its guarantee is not flattered. CPU only:
 * memory is proportional to vCPU in the replay's mapping.
 */
import type { Tenant } from '../domain/tenant';
import type { SimResult } from './engine';

export interface TenantFigure {
  readonly id: string;
  /** Configured share as a fraction of all shares. */
  readonly share: number;
  /** Mean used share of the cloud over the saturated bins where it had demand. */
  readonly usedShareMean: number;
  /** Mean entitled share over the same bins: against usedShareMean, how far the tenant was from its due over the whole replay (debts paid back cancel). */
  readonly entitledShareMean: number;
  /** Mean |used share − entitled share (weighted max-min fair share, capped by its demand)| over the same bins. */
  readonly deviationMean: number;
  /** Bins counted. */
  readonly bins: number;
  /** Episodes below the guarantee with work waiting (see timeToGuarantee). */
  readonly guaranteeEpisodes: number;
  /** Of those, still open when the replay ended. */
  readonly guaranteeUnreached: number;
  /** Mean and 95th percentile of their length, seconds. */
  readonly timeToGuaranteeMean: number;
  readonly timeToGuaranteeP95: number;
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
  const guarantee = timeToGuarantee(r, shareOf);
  const bin = (ms: number): number => Math.floor((ms - series.from) / series.width);
  // Per bin and tenant: demand, the CPU-time of its jobs in the system over the cloud's.
  const demand = ids.map(() => new Float64Array(BINS));
  const index = new Map(ids.map((id, k) => [id, k]));
  const horizon = series.from + series.width * BINS;
  const cap = r.workload.cloud.hosts * r.workload.cloud.hostCpus * series.width;
  for (const rec of r.records) {
    const d = demand[index.get(rec.job.tenant)!];
    const start = r.startMs + rec.job.submit * 1000;
    const end = Math.min(horizon, rec.end ?? horizon);
    for (let b = Math.max(0, bin(start)); b <= Math.min(BINS - 1, bin(end)); b++) {
      const lo = Math.max(start, series.from + b * series.width);
      const hi = Math.min(end, series.from + (b + 1) * series.width);
      if (hi > lo) d[b] += (rec.job.cpu * (hi - lo)) / cap;
    }
  }
  const weights = ids.map((id) => shareOf.get(id)!);
  const entitled = ids.map(() => new Float64Array(BINS));
  const column = new Float64Array(ids.length);
  for (let b = 0; b < BINS; b++) {
    for (let k = 0; k < ids.length; k++) column[k] = demand[k][b];
    const e = fairShares(column, weights, 1);
    for (let k = 0; k < ids.length; k++) entitled[k][b] = e[k];
  }
  return ids.map((id, k) => {
    const used = series.used.get(id) ?? new Float64Array(BINS);
    let n = 0;
    let usedSum = 0;
    let dev = 0;
    let entitledSum = 0;
    for (let b = 0; b < BINS; b++) {
      if (series.total[b] < SATURATED || demand[k][b] <= 0) continue;
      n++;
      usedSum += used[b];
      entitledSum += entitled[k][b];
      dev += Math.abs(used[b] - entitled[k][b]);
    }
    const g = guarantee.get(id) ?? NO_EPISODES;
    return { id, share: all > 0 ? shareOf.get(id)! / all : 0, usedShareMean: n ? usedSum / n : 0, entitledShareMean: n ? entitledSum / n : 0, deviationMean: n ? dev / n : 0, bins: n, ...g };
  });
}

/**
 * Weighted max-min fair shares of `capacity` (water-filling): tenants in order of demand per
 * unit of weight; each gets its demand while that is below an equal level per unit of weight of
 * what is left, and the rest share what remains by weight. A tenant of weight 0 gets what the
 * weighted ones leave, split equally.
 */
export function fairShares(demand: ArrayLike<number>, weights: ArrayLike<number>, capacity: number): Float64Array {
  const n = demand.length;
  const out = new Float64Array(n);
  const order = Array.from({ length: n }, (_, k) => k).filter((k) => demand[k] > 0 && weights[k] > 0)
    .sort((x, y) => demand[x] / weights[x] - demand[y] / weights[y] || x - y);
  let left = capacity;
  let w = order.reduce((s, k) => s + weights[k], 0);
  for (let j = 0; j < order.length; j++) {
    const k = order[j];
    const level = left / w;
    if (demand[k] / weights[k] <= level) {
      out[k] = demand[k];
      left -= demand[k];
      w -= weights[k];
    } else {
      for (let i = j; i < order.length; i++) out[order[i]] = weights[order[i]] * level;
      return out;
    }
  }
  // Every weighted demand met: the unweighted tenants share what is left, as far as their demand goes.
  const rest = Array.from({ length: n }, (_, k) => k).filter((k) => demand[k] > 0 && !(weights[k] > 0));
  if (rest.length > 0 && left > 0) {
    const equal = fairShares(rest.map((k) => demand[k]), rest.map(() => 1), left);
    rest.forEach((k, i) => (out[k] = equal[i]));
  }
  return out;
}

export interface GuaranteeFigure {
  readonly guaranteeEpisodes: number;
  readonly guaranteeUnreached: number;
  readonly timeToGuaranteeMean: number;
  readonly timeToGuaranteeP95: number;
}

const NO_EPISODES: GuaranteeFigure = { guaranteeEpisodes: 0, guaranteeUnreached: 0, timeToGuaranteeMean: 0, timeToGuaranteeP95: 0 };

/** Per tenant, how long it took from work waiting below its guarantee until the guarantee (or its demand) was reached: see the header. */
export function timeToGuarantee(r: SimResult, shareOf: ReadonlyMap<string, number>): Map<string, GuaranteeFigure> {
  const capacity = r.workload.cloud.hosts * r.workload.cloud.hostCpus;
  const all = [...shareOf.values()].reduce((a, b) => a + b, 0);
  const horizon = Math.max(r.startMs, ...r.segments.map((s) => s.end), ...r.records.map((x) => x.end ?? r.startMs));
  const segmentsOf = new Map<string, { start: number; end: number }[]>();
  for (const s of r.segments) {
    const list = segmentsOf.get(s.id);
    if (list) list.push(s);
    else segmentsOf.set(s.id, [s]);
  }
  // Per tenant, events [ms, Δ vCPU in use, vCPU of a job that starts (+) or stops (−) waiting].
  const events = new Map<string, [number, number, number][]>();
  const push = (tenant: string, e: [number, number, number]): void => {
    const list = events.get(tenant);
    if (list) list.push(e);
    else events.set(tenant, [e]);
  };
  for (const s of r.segments) {
    push(s.tenant, [s.start, s.cpu, 0]);
    push(s.tenant, [s.end, -s.cpu, 0]);
  }
  for (const rec of r.records) {
    // Waiting: from submission to the end, but for the spans its VM was on a host.
    let from = r.startMs + rec.job.submit * 1000;
    const end = rec.end ?? horizon;
    for (const s of [...(segmentsOf.get(rec.job.id) ?? [])].sort((a, b) => a.start - b.start)) {
      if (s.start > from) {
        push(rec.job.tenant, [from, 0, rec.job.cpu]);
        push(rec.job.tenant, [s.start, 0, -rec.job.cpu]);
      }
      from = Math.max(from, s.end);
    }
    if (end > from) {
      push(rec.job.tenant, [from, 0, rec.job.cpu]);
      // A job that never ended still waits when the replay ends.
      if (rec.end !== undefined) push(rec.job.tenant, [end, 0, -rec.job.cpu]);
    }
  }
  const out = new Map<string, GuaranteeFigure>();
  for (const [tenant, list] of events) {
    const g = all > 0 ? ((shareOf.get(tenant) ?? 0) / all) * capacity : 0;
    list.sort((a, b) => a[0] - b[0]);
    let used = 0;
    let waiting = 0;
    let openedAt: number | undefined;
    const lengths: number[] = [];
    let unreached = 0;
    for (let k = 0; k < list.length; k++) {
      const [t, du, dw] = list[k];
      used += du;
      waiting += Math.sign(dw);
      if (k + 1 < list.length && list[k + 1][0] === t) continue;
      const below = waiting > 0 && used < g - 1e-9;
      if (below && openedAt === undefined) openedAt = t;
      else if (!below && openedAt !== undefined) {
        lengths.push((t - openedAt) / 1000);
        openedAt = undefined;
      }
    }
    if (openedAt !== undefined) {
      lengths.push((horizon - openedAt) / 1000);
      unreached++;
    }
    lengths.sort((a, b) => a - b);
    out.set(tenant, {
      guaranteeEpisodes: lengths.length, guaranteeUnreached: unreached,
      timeToGuaranteeMean: lengths.length ? lengths.reduce((a, b) => a + b, 0) / lengths.length : 0,
      timeToGuaranteeP95: lengths.length ? lengths[Math.min(lengths.length - 1, Math.ceil(0.95 * lengths.length) - 1)] : 0,
    });
  }
  return out;
}
