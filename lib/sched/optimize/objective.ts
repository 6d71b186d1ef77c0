/**
 * The objective exactly as one_drs's ILP states it (lib/mapper/ilp_optimizer.py), evaluated on
 * an assignment instead of solved for:
 *
 *   balance: Σ_m (w_m / Σw) · max_h load(h, m)  +  0.01 · n / (2N + 1)
 *   pack:    |hosts holding a VM|               +         n / (2N + 1)
 *
 * where load(h, m) is the sum of metric m over the VMs on h divided by h's total (see
 * problem.ts for the units), n is the number of migrations and N the number of (VM, other
 * host it may go to) pairs (`_max_n_migr_vms`). The migration term breaks ties in favour of
 * fewer migrations and never outweighs one host less (pack).
 */
import type { Assignment } from './assignment';
import type { ClusterSettings } from './settings';

/** Comparisons of objective values allow for floating-point noise. */
export const EPS = 1e-12;

export function migrationPenalty(moves: number, pairs: number): number {
  return moves / (2 * pairs + 1);
}

/** Highest load of each metric over the hosts the objective counts. */
export function maxLoads(a: Assignment): Float64Array {
  const { M } = a;
  const out = new Float64Array(M);
  const counted = a.problem.counted;
  for (let h = 0; h < counted.length; h++) {
    if (!counted[h]) continue;
    for (let m = 0; m < M; m++) if (a.loads[h * M + m]! > out[m]!) out[m] = a.loads[h * M + m]!;
  }
  return out;
}

/**
 * The lowest target a bisection on the highest load can reach, relative to the start's highest
 * load (`max0`): each metric's mean load over the counted hosts, since no host can end below the
 * mean on all of them.
 */
export function meanLoadFloor(start: Assignment, max0: Float64Array): number {
  let lo = 1;
  for (let m = 0; m < start.M; m++) {
    if (!(max0[m]! > 0)) continue;
    const mean = meanLoad(start, m);
    if (mean !== undefined) lo = Math.min(lo, mean / max0[m]!);
  }
  return lo;
}

/**
 * Bisection on the target t, a share of the start's highest loads `max0`, between lo and hi:
 * `attempt` tries to bring every counted host to or below max0 · t, and one that succeeds
 * lowers hi, one that fails raises lo. Returns the successful attempt of lowest `value` if it
 * is below `bound` (by more than EPS), after `steps` steps at most.
 */
export function bisectTarget<T>(
  max0: Float64Array, lo: number, hi: number, steps: number, bound: number,
  attempt: (target: Float64Array) => T | undefined, value: (a: T) => number,
): T | undefined {
  let best: T | undefined;
  let bestValue = bound;
  for (let step = 0; step < steps && hi - lo > 1e-6; step++) {
    const t = (lo + hi) / 2;
    const a = attempt(Float64Array.from(max0, (x) => x * t));
    if (a === undefined) {
      lo = t;
      continue;
    }
    hi = t;
    const v = value(a);
    if (v < bestValue - EPS) {
      best = a;
      bestValue = v;
    }
  }
  return best;
}

/** Metric m's load over all counted hosts together (used over capacity); undefined without capacity. */
export function meanLoad(a: Assignment, m: number): number | undefined {
  const { M, problem } = a;
  let sum = 0;
  let cap = 0;
  for (let h = 0; h < problem.hosts.length; h++) {
    if (!problem.counted[h]) continue;
    sum += a.loads[h * M + m]! * problem.totals[h * M + m]!;
    cap += problem.totals[h * M + m]!;
  }
  return cap > 0 ? sum / cap : undefined;
}

/** The balance objective without its migration term. */
export function spread(a: Assignment, weights: readonly number[]): number {
  const max = maxLoads(a);
  let s = 0;
  for (let m = 0; m < a.M; m++) s += weights[m]! * max[m]!;
  return s;
}

export function usedHosts(a: Assignment): number {
  let n = 0;
  for (let h = 0; h < a.count.length; h++) if (a.count[h]! > 0 && a.problem.counted[h]) n++;
  return n;
}

export function objective(a: Assignment, settings: Pick<ClusterSettings, 'policy' | 'weights'>): number {
  const penalty = migrationPenalty(a.moves.length, a.problem.pairs);
  return settings.policy === 'pack' ? usedHosts(a) + penalty : spread(a, settings.weights) + 0.01 * penalty;
}
