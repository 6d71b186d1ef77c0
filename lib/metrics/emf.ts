/**
 * The same figures as CloudWatch metrics, in the embedded metric format: JSON lines on standard
 * output that CloudWatch Logs turns into metrics, written by Powertools for AWS Lambda (Metrics).
 * No scrape endpoint is needed on AWS. POWERTOOLS_METRICS_DISABLED=true switches it off (the lines
 * then go nowhere); locally they go to the functions' log.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS } from './catalog';
import type { Observation } from './recorder';

export const NAMESPACE = 'svmsched';

/** CloudWatch names: no prefix and no _total (the unit says what it is); dimensions capitalised, apart from Powertools' own `service`. */
export const cloudWatchName = (name: string): string => name.replace(/^svmsched_/, '').replace(/_total$/, '');
const dimension = (label: string): string => label.charAt(0).toUpperCase() + label.slice(1);

/** One EMF document per metric and set of dimensions: counts summed, a histogram's observations as its values. */
export function publishEmf(observations: readonly Observation[], functionName = 'svmsched'): void {
  const groups = new Map<string, Observation[]>();
  for (const o of observations) {
    const key = JSON.stringify([o.metric, Object.entries(o.labels).sort()]);
    const group = groups.get(key);
    if (group) group.push(o);
    else groups.set(key, [o]);
  }
  for (const group of groups.values()) {
    const { metric, labels } = group[0]!;
    const def = METRICS[metric];
    const metrics = new Metrics({ namespace: NAMESPACE, serviceName: functionName });
    for (const [k, v] of Object.entries(labels)) metrics.addDimension(dimension(k), v);
    const unit = def.unit === 'Seconds' ? MetricUnit.Seconds : MetricUnit.Count;
    if (def.type === 'histogram') for (const o of group) metrics.addMetric(cloudWatchName(def.name), unit, o.value);
    else metrics.addMetric(cloudWatchName(def.name), unit, group.reduce((a, o) => a + o.value, 0));
    metrics.publishStoredMetrics();
  }
}
