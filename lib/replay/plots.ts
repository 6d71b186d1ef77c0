/**
 * The report's plots, as Vega-Lite specifications rendered to SVG by Vega in Node (no browser,
 * no canvas): utilisation and queue length over time, wait-time CDF per policy, tenant shares
 * over time (and each tenant's used share against its configured share, policy by policy), and
 * the simulated against the logged waits.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { addSpan, bucketSteps, maxOf, outcomes, quantile } from './metrics';
import type { SimResult } from './engine';
import { BINS, tenantSeries } from './tenants';
import type { Tenant } from '../domain/tenant';

const BUCKETS = 300;
const WIDTH = 640;
const HEIGHT = 220;

export async function renderSvg(spec: vl.TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function span(results: readonly SimResult[]): { t0: number; t1: number } {
  const t0 = results[0].startMs;
  const t1 = maxOf(results.flatMap((r) => r.records.map((x) => x.end ?? t0)), t0);
  return { t0, t1: Math.max(t1, t0 + 1) };
}

const lines = (title: string, values: object[], y: string, yTitle: string, logY = false): vl.TopLevelSpec => ({
  title, width: WIDTH, height: HEIGHT, data: { values }, mark: { type: 'line', strokeWidth: 1.2 },
  encoding: {
    x: { field: 'day', type: 'quantitative', title: 'day of the workload' },
    y: { field: y, type: 'quantitative', title: yTitle, ...(logY ? { scale: { type: 'symlog' } } : {}) },
    color: { field: 'policy', type: 'nominal' },
  },
});

export function utilisationSpec(results: readonly SimResult[]): vl.TopLevelSpec {
  const { t0, t1 } = span(results);
  const width = (t1 - t0) / BUCKETS;
  const values = results.flatMap((r) => {
    const capacity = r.workload.cloud.hosts * r.workload.cloud.hostCpus;
    const used = new Array<number>(BUCKETS).fill(0);
    for (const s of r.segments) addSpan(used, t0, width, s.start, s.end, s.cpu);
    return used.map((u, k) => ({ policy: r.policy.name, day: ((k + 0.5) * width) / 86_400_000, utilisation: u / width / capacity }));
  });
  return lines('vCPU busy (share of the cloud)', values, 'utilisation', 'busy share');
}

export function queueSpec(results: readonly SimResult[]): vl.TopLevelSpec {
  const { t0, t1 } = span(results);
  const values = results.flatMap((r) => bucketSteps(r.queueSeries, t0, t1, BUCKETS)
    .map((q, k) => ({ policy: r.policy.name, day: ((k + 0.5) * (t1 - t0)) / BUCKETS / 86_400_000, queue: q })));
  return lines('jobs waiting (time-weighted mean)', values, 'queue', 'jobs waiting', true);
}

const cdfPoints = (waits: number[], policy: string): object[] => {
  const s = waits.sort((a, b) => a - b);
  return Array.from({ length: 101 }, (_, k) => ({ policy, wait: Math.max(1, quantile(s, k / 100)), fraction: k / 100 }));
};

const cdf = (title: string, values: object[]): vl.TopLevelSpec => ({
  title, width: WIDTH, height: HEIGHT, data: { values }, mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.2 },
  encoding: {
    x: { field: 'wait', type: 'quantitative', title: 'wait (s, log; 0 shown as 1)', scale: { type: 'log' } },
    y: { field: 'fraction', type: 'quantitative', title: 'share of jobs waiting at most that' },
    color: { field: 'policy', type: 'nominal' },
  },
});

export function waitCdfSpec(results: readonly SimResult[]): vl.TopLevelSpec {
  return cdf('wait-time CDF per policy', results.flatMap((r) => cdfPoints(outcomes(r).map((o) => o.wait), r.policy.name)));
}

/** The simulated waits against the logged ones (field 3), same jobs. */
export function validationSpec(result: SimResult): vl.TopLevelSpec {
  const list = outcomes(result).filter((o) => o.realWait !== undefined);
  return cdf('wait-time CDF: the log against the replay', [
    ...cdfPoints(list.map((o) => o.realWait!), 'logged (the machine)'),
    ...cdfPoints(list.map((o) => o.wait), `replayed (${result.policy.name})`),
  ]);
}

export function tenantSpec(result: SimResult, top = 6): vl.TopLevelSpec {
  const { t0, t1 } = span([result]);
  const width = (t1 - t0) / BUCKETS;
  const totals = new Map<string, number>();
  for (const s of result.segments) totals.set(s.tenant, (totals.get(s.tenant) ?? 0) + s.cpu * (s.end - s.start));
  const keep = new Set([...totals].sort((a, b) => b[1] - a[1]).slice(0, top).map(([t]) => t));
  const series = new Map<string, number[]>();
  for (const s of result.segments) {
    const name = keep.has(s.tenant) ? s.tenant : 'others';
    let arr = series.get(name);
    if (!arr) series.set(name, (arr = new Array<number>(BUCKETS).fill(0)));
    addSpan(arr, t0, width, s.start, s.end, s.cpu);
  }
  const capacity = result.workload.cloud.hosts * result.workload.cloud.hostCpus;
  const values = [...series].flatMap(([tenant, arr]) => arr.map((u, k) => ({ tenant, day: ((k + 0.5) * width) / 86_400_000, share: u / width / capacity })));
  return {
    title: `share of the cloud per tenant over time (${result.policy.name}; top ${top} by use)`, width: WIDTH, height: HEIGHT, data: { values },
    mark: { type: 'area' },
    encoding: {
      x: { field: 'day', type: 'quantitative', title: 'day of the workload' },
      y: { field: 'share', type: 'quantitative', stack: 'zero', title: 'share of vCPU' },
      color: { field: 'tenant', type: 'nominal' },
    },
  };
}

/**
 * Each of the `top` tenants using most (summed over the policies): its used share of the cloud
 * over time under each policy, against its configured share (share over all shares, dashed).
 */
export function sharesSpec(results: readonly SimResult[], tenants: readonly Tenant[], top = 4): vl.TopLevelSpec {
  const all = tenants.reduce((a, t) => a + t.share, 0);
  const series = results.map((r) => ({ policy: r.policy.name, s: tenantSeries(r) }));
  const totals = new Map<string, number>();
  for (const { s } of series) for (const [t, u] of s.used) totals.set(t, (totals.get(t) ?? 0) + u.reduce((a, b) => a + b, 0));
  const keep = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, top).map(([t]) => t);
  const values = series.flatMap(({ policy, s }) => keep.flatMap((tenant) => {
    const u = s.used.get(tenant) ?? new Float64Array(BINS);
    return Array.from(u, (used, k) => ({ tenant: `tenant ${tenant}`, policy, day: ((k + 0.5) * s.width) / 86_400_000, used }));
  }));
  const shares = keep.map((tenant) => ({ tenant: `tenant ${tenant}`, share: all > 0 ? (tenants.find((t) => t.id === tenant)?.share ?? 0) / all : 0 }));
  return {
    title: `used share of the cloud per tenant (top ${top} by use) against its configured share (dashed)`,
    data: { values: [...values, ...shares.map((x) => ({ ...x, policy: 'configured share' }))] },
    facet: { row: { field: 'tenant', type: 'nominal', title: null } },
    spec: {
      width: WIDTH, height: 90,
      layer: [
        {
          transform: [{ filter: 'datum.used != null' }], mark: { type: 'line', strokeWidth: 1 },
          encoding: {
            x: { field: 'day', type: 'quantitative', title: 'day of the slice' },
            y: { field: 'used', type: 'quantitative', title: 'used share' },
            color: { field: 'policy', type: 'nominal' },
          },
        },
        {
          transform: [{ filter: 'datum.share != null' }], mark: { type: 'rule', strokeDash: [4, 3], color: 'black' },
          encoding: { y: { field: 'share', type: 'quantitative' } },
        },
      ],
    },
  } as vl.TopLevelSpec;
}
