/**
 * BALANCE by targets, for small clusters (design note). The local search (balance.ts) lowers the
 * highest load one migration or swap at a time and stops where no single step helps; on small
 * lopsided clusters that leaves it 5–15% above the best plan, because a VM's share of a host is
 * coarse (one 4-CPU VM at 100% is a quarter of a 16-CPU host) and getting close to the mean load
 * takes the right combination of VMs on the right hosts. This search asks the question the other
 * way round: can every host end at or below a target T, and with which few migrations?
 *
 *   1. T is a fraction t of the highest load of each metric before the plan (T_m = t · max_m);
 *      t is found by bisection between the mean load (Σ load / Σ capacity, which no plan can
 *      beat) and 1. Each attempt starts from the placement before the plan.
 *   2. Hosts above T, most over first, shed the fewest VMs that bring them down to T: every
 *      set of that many VMs (and one more) that does, least overshoot first (as little load to
 *      rehome as possible), up to a bounded number of sets; beyond what can be enumerated, the
 *      largest VMs first.
 *   3. A set is taken only if all its VMs find a home at once: largest first, each to the host
 *      it fills closest to T without passing it (best fit), among the hosts it may go to that
 *      are not above T themselves, under the same rules as any migration (requirements, room
 *      booked on top of what is there, a free slot, local datastore space).
 *   4. An attempt succeeds when no host is left above T; the lowest objective (migration term
 *      included) of the successful attempts wins. The caller keeps it only if it beats the
 *      local search, after dropping every migration the objective does not need.
 *
 * Pure and deterministic: hosts, VMs and sets are visited in a fixed order.
 */
import { Assignment } from './assignment';
import { bisectTarget, EPS, maxLoads, meanLoadFloor, objective } from './objective';
import type { Problem } from './problem';
import type { ClusterSettings } from './settings';

/** Bisection steps on t: the target is found to within 2^-STEPS of the range. */
const STEPS = 24;
/** Sets of VMs a host may try per attempt (each costs one placement try), and sets enumerated at most. */
const TRIES = 400;
const ENUMERATE = 20_000;
/** Homes tried for each VM (best fit first), and placement steps per attempt. */
const BRANCH = 3;
const NODES = 4_000;

export function searchTarget(problem: Problem, settings: ClusterSettings): Assignment | undefined {
  const start = new Assignment(problem, settings.finalPlacement);
  const max0 = maxLoads(start);
  // The mean load of each metric over the counted hosts: no host can end below it on all of them.
  return bisectTarget(max0, meanLoadFloor(start, max0), 1, STEPS, objective(start, settings), (target) => attempt(problem, settings, target), (a) => objective(a, settings));
}

/** One attempt at bringing every counted host to or below `target` (per metric); undefined when one cannot. */
function attempt(problem: Problem, settings: ClusterSettings, target: Float64Array): Assignment | undefined {
  const a = new Assignment(problem, settings.finalPlacement);
  const M = a.M;
  const H = problem.hosts.length;
  const w = settings.weights;
  const over = (h: number) => {
    let e = 0;
    for (let m = 0; m < M; m++) e = Math.max(e, (a.loads[h * M + m]! - target[m]!) / (target[m]! || 1));
    return e;
  };
  const sources = Array.from({ length: H }, (_, h) => h).filter((h) => problem.counted[h] && over(h) > EPS);
  if (a.moves.length + sources.length > settings.limit) return undefined;
  sources.sort((x, y) => over(y) - over(x) || x - y);
  let nodes = 0;

  // Depth first over the hosts above the target: for each, the sets of VMs it may shed, and for
  // each set, homes for its VMs (best fit first, a few alternatives each), within NODES steps.
  const source = (i: number): boolean => {
    if (i === sources.length) return true;
    const h = sources[i]!;
    if (over(h) <= EPS) return source(i + 1);
    const vms: number[] = [];
    problem.vms.forEach((p, v) => { if (p.movable && a.where[v] === h && !a.moved[v]) vms.push(v); });
    const size = new Map(vms.map((v) => [v, weighted(a, w, target, v, h)]));
    vms.sort((x, y) => size.get(y)! - size.get(x)! || x - y);
    const need = new Float64Array(M);
    for (let m = 0; m < M; m++) need[m] = a.loads[h * M + m]! - target[m]!;
    let tries = 0;
    for (const set of candidateSets(a, settings, h, vms, size, need)) {
      if (++tries > TRIES || nodes > NODES) return false;
      if (place(h, set, 0, () => source(i + 1))) return true;
    }
    return false;
  };
  const place = (h: number, set: readonly number[], j: number, next: () => boolean): boolean => {
    if (j === set.length) return next();
    const v = set[j]!;
    for (const to of homes(a, settings, target, h, v)) {
      if (++nodes > NODES) return false;
      a.move(v, to);
      if (place(h, set, j + 1, next)) return true;
      a.undo(v);
    }
    return false;
  };
  return source(0) ? a : undefined;
}

/**
 * The sets of VMs of host h that cover its need, fewest VMs first (the fewest that can, and one
 * more), least overshoot first within a size; beyond what can be enumerated, the largest VMs.
 */
function candidateSets(a: Assignment, settings: ClusterSettings, h: number, vms: readonly number[], size: ReadonlyMap<number, number>, need: Float64Array): number[][] {
  const M = a.M;
  const covers = (set: readonly number[]) => {
    for (let m = 0; m < M; m++) {
      let s = 0;
      for (const v of set) s += a.share(v, h, m);
      if (s < need[m]! - EPS) return false;
    }
    return true;
  };
  let k = 0;
  while (k < vms.length && !covers(vms.slice(0, k + 1))) k++;
  if (k >= vms.length) return [];
  k++;
  const out: number[][] = [];
  for (let n = k; n <= Math.min(k + 1, vms.length, settings.limit - a.moves.length); n++) {
    out.push(...(enumerate(vms, n, covers, size) ?? [vms.slice(0, n)]));
  }
  return out;
}

/** Hosts VM v (on h) may go to without passing the target, fullest after it first; at most BRANCH of them. */
function homes(a: Assignment, settings: ClusterSettings, target: Float64Array, h: number, v: number): number[] {
  const { problem, M } = a;
  const w = settings.weights;
  const found: { to: number; slack: number }[] = [];
  for (let to = 0; to < problem.hosts.length; to++) {
    if (to === h || !problem.schedulable[to] || !a.canMove(v, to, settings.maxPerHost)) continue;
    let slack = 0;
    let fits = true;
    for (let m = 0; m < M; m++) {
      const after = a.loads[to * M + m]! + a.share(v, to, m);
      if (problem.counted[to] && after > target[m]! + EPS) {
        fits = false;
        break;
      }
      slack += w[m]! * (target[m]! - after) / (target[m]! || 1);
    }
    if (fits) found.push({ to, slack });
  }
  found.sort((x, y) => x.slack - y.slack || x.to - y.to);
  return found.slice(0, BRANCH).map((f) => f.to);
}

/**
 * Every set of `n` VMs that covers the need, least overshoot first (then by VM index); undefined
 * when there are too many sets to enumerate.
 */
function enumerate(vms: readonly number[], n: number, covers: (set: readonly number[]) => boolean, size: ReadonlyMap<number, number>): number[][] | undefined {
  let count = 1;
  for (let i = 0; i < n; i++) count = (count * (vms.length - i)) / (i + 1);
  if (count > ENUMERATE) return undefined;
  const out: { set: number[]; total: number }[] = [];
  const pick: number[] = [];
  const walk = (from: number) => {
    if (pick.length === n) {
      if (covers(pick)) out.push({ set: [...pick], total: pick.reduce((s, v) => s + size.get(v)!, 0) });
      return;
    }
    for (let i = from; i <= vms.length - (n - pick.length); i++) {
      pick.push(vms[i]!);
      walk(i + 1);
      pick.pop();
    }
  };
  walk(0);
  out.sort((x, y) => x.total - y.total || compareSets(x.set, y.set));
  return out.map((x) => x.set);
}

function weighted(a: Assignment, w: readonly number[], target: Float64Array, v: number, h: number): number {
  let s = 0;
  for (let m = 0; m < a.M; m++) s += w[m]! * a.share(v, h, m) / (target[m]! || 1);
  return s;
}

function compareSets(x: readonly number[], y: readonly number[]): number {
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}
