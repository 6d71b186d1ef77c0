/**
 * The settings one cluster is optimised with: the caller's options, overridden (as one_drs
 * does, optimizer_parser.py `_parse_cluster`) by the cluster's TEMPLATE/ONE_DRS attributes
 * POLICY, MIGRATION_THRESHOLD, PREDICTIVE and CPU_USAGE_WEIGHT / CPU_WEIGHT / MEMORY_WEIGHT.
 */
import type { Cluster } from '../snapshot';
import { nodesAt, readFloat, readInt, textAt } from '../xmlPath';
import { OptimizeOptionsError } from './errors';
import { METRICS, OPTIMIZE_POLICIES, type Metric, type OptimizeOptions, type OptimizePolicyName, type Weights } from './types';

export interface ClusterSettings {
  readonly policy: OptimizePolicyName;
  /** Metrics with a positive weight, and their weights normalised to sum 1 (same order). */
  readonly metrics: readonly Metric[];
  readonly weights: readonly number[];
  readonly predictive: number;
  /** Most migrations in this plan, and the setting that sets it (for the reason given when it stops there). */
  readonly limit: number;
  readonly limitName: string;
  readonly maxPerHost: number;
  /** Room is checked on the plan's final placement only (assignment.ts). */
  readonly finalPlacement: boolean;
}

/** one_drs.conf's OPTIMIZE default. */
export const DEFAULT_WEIGHTS: Weights = { cpuUsage: 1 };
export const DEFAULT_MAX_ACTIONS_PER_CLUSTER = 30;

export function resolveSettings(options: OptimizeOptions, cluster: Cluster | undefined, useCluster = options.clusterSettings ?? true): ClusterSettings {
  const drs = useCluster ? nodesAt(cluster?.xml, 'TEMPLATE/ONE_DRS')[0] : undefined;
  const attr = (name: string) => textAt(drs, name)?.trim() || undefined;

  let policy = options.policy;
  const clusterPolicy = attr('POLICY')?.toLowerCase();
  if (clusterPolicy !== undefined && (OPTIMIZE_POLICIES as readonly string[]).includes(clusterPolicy)) policy = clusterPolicy as OptimizePolicyName;
  if (!(OPTIMIZE_POLICIES as readonly string[]).includes(policy)) throw new OptimizeOptionsError('policy', `must be one of ${OPTIMIZE_POLICIES.join(', ')}`);

  const predictive = clamp01(attr('PREDICTIVE') !== undefined ? readFloat(attr('PREDICTIVE'), 0) : options.predictive ?? 0);
  const weights = clusterWeights(drs) ?? options.weights ?? DEFAULT_WEIGHTS;
  const metrics: Metric[] = [];
  const raw: number[] = [];
  for (const m of METRICS) {
    const w = weights[m] ?? 0;
    if (!Number.isFinite(w) || w < 0) throw new OptimizeOptionsError(`weights.${m}`, 'must be a number >= 0');
    if (w > 0) {
      metrics.push(m);
      raw.push(w);
    }
  }
  const sum = raw.reduce((a, b) => a + b, 0);
  if (policy === 'balance' && sum <= 0) throw new OptimizeOptionsError('weights', 'balance needs at least one weight above 0 (cpuUsage, cpu, memory, disk or net)');

  const t = options.thresholds ?? {};
  const clusterThreshold = attr('MIGRATION_THRESHOLD');
  const limits: [number, string][] = [
    [clusterThreshold !== undefined ? readInt(clusterThreshold, -1) : t.migration ?? -1, 'MIGRATION_THRESHOLD'],
    [t.hostMigration ?? -1, 'HOST_MIGRATION_THRESHOLD'],
    [options.maxActionsPerCluster ?? DEFAULT_MAX_ACTIONS_PER_CLUSTER, 'MAX_ACTIONS_PER_CLUSTER'],
  ];
  let limit = Infinity;
  let limitName = '';
  for (const [value, name] of limits) {
    // -1 means no threshold; 0 for MAX_ACTIONS_PER_CLUSTER too (0 for a threshold means none allowed).
    const none = value < 0 || (name === 'MAX_ACTIONS_PER_CLUSTER' && value === 0);
    if (!none && value < limit) {
      limit = value;
      limitName = name;
    }
  }
  const maxPerHost = options.maxActionsPerHost ?? 1;
  if (!Number.isInteger(maxPerHost) || maxPerHost < 1) throw new OptimizeOptionsError('maxActionsPerHost', 'must be an integer >= 1');
  return { policy, metrics, weights: raw.map((w) => w / sum), predictive, limit, limitName, maxPerHost, finalPlacement: options.finalPlacement ?? false };
}

/**
 * ONE_DRS weights as one_drs normalises them (`_normalize_weights`): each clamped to 0..1; one
 * given, the other two share what is left; two given, the third is what is left; none, the
 * configured weights apply.
 */
function clusterWeights(drs: ReturnType<typeof nodesAt>[number] | undefined): Weights | undefined {
  if (!drs) return undefined;
  const names: [string, Metric][] = [['CPU_USAGE_WEIGHT', 'cpuUsage'], ['CPU_WEIGHT', 'cpu'], ['MEMORY_WEIGHT', 'memory']];
  const given = new Map<Metric, number>();
  for (const [name, metric] of names) {
    const text = textAt(drs, name);
    if (text !== undefined && text.trim() !== '') given.set(metric, clamp01(readFloat(text, 0)));
  }
  if (given.size === 0) return undefined;
  const out: Partial<Record<Metric, number>> = {};
  const left = 1 - [...given.values()].reduce((a, b) => a + b, 0);
  for (const [, metric] of names) {
    out[metric] = given.get(metric) ?? (given.size === 1 ? left / 2 : Math.max(0, left));
  }
  return out;
}

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
