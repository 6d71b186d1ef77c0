/**
 * GET /metrics: the stored counters and histograms (what every function flushed) and the gauge of
 * unfinished jobs (from the queue index: bounded by the queue, never by the jobs kept), in the
 * Prometheus text exposition format, written by prom-client's registry.
 */
import { Gauge, Registry } from 'prom-client';
import type { Job } from '../domain/job';
import { METRICS, type MetricDef } from './catalog';
import { parseSeriesKey, seriesKey, type Labels } from './series';
import { tenantOf } from './recorder';

export const CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

interface Value { readonly value: number; readonly labels: Labels; readonly metricName?: string }

/** A metric whose values were counted elsewhere, for the registry to write out as they are. */
const stored = (def: MetricDef, values: Value[]) => ({
  name: def.name,
  help: def.help,
  type: def.type,
  aggregator: 'sum' as const,
  get: async () => ({ name: def.name, help: def.help, type: def.type, aggregator: 'sum' as const, values }),
  reset: () => {},
});


/** Every bucket of every label set that has observations: a bucket nothing fell into is 0, not missing. */
function histogramValues(def: MetricDef, series: ReadonlyMap<string, number>, parsed: readonly { name: string; labels: Labels; value: number }[]): Value[] {
  const sets = parsed.filter((p) => p.name === `${def.name}_count`).map((p) => p.labels);
  return sets.flatMap((labels) => [
    ...[...(def.buckets ?? []).map(String), '+Inf'].map((le) => ({
      metricName: `${def.name}_bucket`, labels: { ...labels, le }, value: series.get(seriesKey(`${def.name}_bucket`, { ...labels, le })) ?? 0,
    })),
    { metricName: `${def.name}_sum`, labels, value: series.get(seriesKey(`${def.name}_sum`, labels)) ?? 0 },
    { metricName: `${def.name}_count`, labels, value: series.get(seriesKey(`${def.name}_count`, labels)) ?? 0 },
  ]);
}

export async function exposition(counters: Readonly<Record<string, number>>, unfinished: readonly Job[]): Promise<string> {
  const registry = new Registry();
  const jobs = new Gauge({ name: METRICS.jobs.name, help: METRICS.jobs.help, labelNames: [...METRICS.jobs.labels], registers: [registry] });
  for (const job of unfinished) jobs.inc({ state: job.state, class: job.class, tenant: tenantOf(job), service: job.service });
  const series = new Map(Object.entries(counters));
  const parsed = Object.entries(counters).flatMap(([key, value]) => {
    const p = parseSeriesKey(key);
    return p ? [{ ...p, value }] : [];
  });
  for (const def of Object.values(METRICS) as MetricDef[]) {
    if (def.type === 'gauge') continue;
    const values = def.type === 'histogram'
      ? histogramValues(def, series, parsed)
      : parsed.filter((p) => p.name === def.name).map((p) => ({ labels: p.labels, value: p.value }));
    registry.registerMetric(stored(def, values) as never);
  }
  return registry.metrics();
}
