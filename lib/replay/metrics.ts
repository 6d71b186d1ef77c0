/**
 * Figures of one replay. A trace job split into parts counts once: it starts when its last part
 * starts and ends when its last part ends. Wait = first deploy − submit; bounded slowdown
 * (τ = 10 s) = max(1, (end − submit) / max(run time, τ)); utilisation = work done (vCPU × the
 * work kept, not counting lost work, boots or saves) over capacity × makespan; busy = the same
 * with everything a VM spent on its host.
 */
import type { JobRecord, SimResult } from './engine';

export const TAU = 10;

export interface Stats {
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

export interface GroupFigures {
  readonly jobs: number;
  readonly wait: Stats;
  readonly bsld: Stats;
  /** vCPU-hours of work done. */
  readonly cpuHours: number;
}

export interface PlanCost {
  readonly queue: string;
  readonly plans: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface Figures {
  readonly policy: string;
  readonly label: string;
  readonly jobs: number;
  readonly finished: number;
  readonly completed: number;
  readonly expired: number;
  readonly failed: number;
  readonly waitMean: number;
  readonly waitP50: number;
  readonly waitP95: number;
  readonly waitMax: number;
  readonly bsldMean: number;
  readonly bsldP95: number;
  readonly bsldMax: number;
  readonly utilization: number;
  readonly busy: number;
  readonly makespanSeconds: number;
  readonly preemptions: number;
  readonly workLostSeconds: number;
  readonly workSavedSeconds: number;
  readonly backfilled: number;
  readonly reserved: number;
  readonly plans: number;
  readonly planMsMedian: number;
  readonly planMsP99: number;
  readonly planMsMax: number;
  readonly planCost: readonly PlanCost[];
  readonly byClass: Readonly<Record<string, GroupFigures>>;
  readonly byTenant: Readonly<Record<string, GroupFigures>>;
  readonly runSeconds: number;
}

export interface JobOutcome {
  readonly id: string;
  readonly tenant: string;
  readonly cls: string;
  readonly submit: number;
  readonly wait: number;
  readonly bsld: number;
  readonly cpu: number;
  readonly work: number;
  readonly realWait?: number;
}

/** Largest and smallest of many values (a spread into Math.max overflows the stack past ~100k). */
export function maxOf(values: Iterable<number>, empty = 0): number {
  let m = -Infinity;
  for (const v of values) if (v > m) m = v;
  return m === -Infinity ? empty : m;
}

export function minOf(values: Iterable<number>, empty = 0): number {
  let m = Infinity;
  for (const v of values) if (v < m) m = v;
  return m === Infinity ? empty : m;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function stats(values: readonly number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : 0;
  return { mean, p50: quantile(s, 0.5), p95: quantile(s, 0.95), max: s.length ? s[s.length - 1] : 0 };
}

/** One outcome per trace job (parts of a split job together). */
export function outcomes(result: SimResult): JobOutcome[] {
  const groups = new Map<string, JobRecord[]>();
  for (const r of result.records) {
    const key = r.job.parent ?? r.job.id;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const out: JobOutcome[] = [];
  for (const [id, parts] of groups) {
    const j = parts[0].job;
    const submit = result.startMs + j.submit * 1000;
    const start = Math.max(...parts.map((p) => p.firstStart ?? p.end ?? submit));
    const end = Math.max(...parts.map((p) => p.end ?? submit));
    out.push({
      id, tenant: j.tenant, cls: parts[0].cls, submit: j.submit, wait: (start - submit) / 1000,
      bsld: Math.max(1, (end - submit) / 1000 / Math.max(j.work, TAU)), cpu: parts.reduce((s, p) => s + p.job.cpu, 0), work: j.work, realWait: j.realWait,
    });
  }
  return out;
}

function group(list: readonly JobOutcome[], records: readonly JobRecord[], key: (o: JobOutcome) => string, recKey: (r: JobRecord) => string): Record<string, GroupFigures> {
  const by = new Map<string, JobOutcome[]>();
  for (const o of list) {
    const k = key(o);
    const g = by.get(k);
    if (g) g.push(o);
    else by.set(k, [o]);
  }
  const hours = new Map<string, number>();
  for (const r of records) hours.set(recKey(r), (hours.get(recKey(r)) ?? 0) + (r.job.cpu * r.kept) / 3600);
  const out: Record<string, GroupFigures> = {};
  for (const [k, g] of [...by].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    out[k] = { jobs: g.length, wait: stats(g.map((o) => o.wait)), bsld: stats(g.map((o) => o.bsld)), cpuHours: hours.get(k) ?? 0 };
  }
  return out;
}

const QUEUE_BUCKETS: ReadonlyArray<readonly [number, number]> = [[0, 10], [10, 100], [100, 1000], [1000, Infinity]];

export function figures(result: SimResult): Figures {
  const list = outcomes(result);
  const { records, workload } = result;
  const capacity = workload.cloud.hosts * workload.cloud.hostCpus;
  const first = minOf(records.map((r) => r.job.submit)) * 1000 + result.startMs;
  const last = maxOf(records.map((r) => r.end ?? first), first);
  const makespan = Math.max(1, (last - first) / 1000);
  const useful = records.reduce((s, r) => s + r.job.cpu * r.kept, 0);
  const busy = result.segments.reduce((s, g) => s + (g.cpu * (g.end - g.start)) / 1000, 0);
  const wait = stats(list.map((o) => o.wait));
  const bsld = stats(list.map((o) => o.bsld));
  const planMs = result.plans.map((p) => p.cpuUs / 1000).sort((a, b) => a - b);
  const planCost = QUEUE_BUCKETS.map(([lo, hi]) => {
    const ms = result.plans.filter((p) => p.queue >= lo && p.queue < hi).map((p) => p.cpuUs / 1000).sort((a, b) => a - b);
    return { queue: hi === Infinity ? `${lo}+` : `${lo}–${hi - 1}`, plans: ms.length, medianMs: quantile(ms, 0.5), p99Ms: quantile(ms, 0.99), maxMs: ms.length ? ms[ms.length - 1] : 0 };
  }).filter((b) => b.plans > 0);
  const count = (o: string) => records.filter((r) => r.outcome === o).length;
  return {
    policy: result.policy.name, label: result.policy.label,
    jobs: list.length, finished: list.length - records.filter((r) => r.state !== 'done').length,
    completed: count('completed'), expired: count('expired'), failed: count('failed'),
    waitMean: wait.mean, waitP50: wait.p50, waitP95: wait.p95, waitMax: wait.max,
    bsldMean: bsld.mean, bsldP95: bsld.p95, bsldMax: bsld.max,
    utilization: useful / (capacity * makespan), busy: busy / (capacity * makespan), makespanSeconds: makespan,
    preemptions: records.reduce((s, r) => s + r.preemptions, 0),
    workLostSeconds: records.reduce((s, r) => s + r.lost, 0),
    workSavedSeconds: records.reduce((s, r) => s + r.saved, 0),
    backfilled: records.filter((r) => r.backfilled).length,
    reserved: records.filter((r) => r.reservedAt !== undefined).length,
    plans: planMs.length, planMsMedian: quantile(planMs, 0.5), planMsP99: quantile(planMs, 0.99), planMsMax: planMs.length ? planMs[planMs.length - 1] : 0,
    planCost,
    byClass: group(list, records, (o) => o.cls, (r) => r.cls),
    byTenant: group(list, records, (o) => o.tenant, (r) => r.job.tenant),
    runSeconds: result.cpuMs / 1000,
  };
}

/** Time-weighted mean of a step series over `buckets` equal intervals of [t0, t1]. */
export function bucketSteps(series: readonly (readonly [number, number])[], t0: number, t1: number, buckets: number): number[] {
  const width = (t1 - t0) / buckets;
  const out = new Array<number>(buckets).fill(0);
  for (let k = 0; k < series.length; k++) {
    const [a, v] = series[k];
    const b = k + 1 < series.length ? series[k + 1][0] : t1;
    addSpan(out, t0, width, a, b, v);
  }
  return out.map((x) => x / width);
}

/** Adds v × overlap of [a, b) to each bucket. */
export function addSpan(out: number[], t0: number, width: number, a: number, b: number, v: number): void {
  if (b <= a || v === 0) return;
  let k = Math.max(0, Math.floor((a - t0) / width));
  for (; k < out.length; k++) {
    const lo = t0 + k * width;
    const hi = lo + width;
    if (lo >= b) break;
    const overlap = Math.min(b, hi) - Math.max(a, lo);
    if (overlap > 0) out[k] += v * overlap;
  }
}
