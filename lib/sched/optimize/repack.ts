/**
 * BALANCE by repacking, for small clusters where room is final (design note). With room checked
 * on the final placement only (assignment.ts), hosts that are fully booked can still trade: a
 * busy host gives a VM doing much for one doing little. The local search takes one such swap
 * at a time while it lowers the highest load; the search by targets only sheds. This search
 * asks, from the best plan found so far, whether every host can end at or below a lower target
 * T with a few more moves and trades:
 *
 *   1. T is a fraction t of the highest load of each metric before the plan, as in target.ts;
 *      t is found by bisection between the mean load and the plan found so far. Each attempt
 *      starts from that plan.
 *   2. While a host is above T (the most over first), it takes the step that leaves it least
 *      over T: a VM of it going to another host, or traded for a VM of another host doing less;
 *      the other host must stay at or below T, every host within its room in the placement the
 *      step leads to, every VM on a host its requirements accept (or its own), within the
 *      migration limit and the migrations into one host. Between equal steps, the fewer
 *      migrations counted from the placement before the plan, then the other host left
 *      fullest (best fit), then the lowest indexes.
 *   3. A VM steps at most once per attempt, so an attempt ends; it fails when a host above T has
 *      no step that lowers it.
 *   4. Of the successful attempts, the one with the lowest objective plus PRICE per migration
 *      wins, and the caller keeps it, after dropping every migration the objective does not
 *      need, only if it beats the plan found so far on the same terms. one_drs's own migration
 *      term (0.01 / (2N + 1) each, about 1e-5 on 10 hosts × 50 VMs) would trade twenty more
 *      migrations for the last 0.1% of the objective; the price, a share of the cluster's mean
 *      load, keeps the plan's migrations to those that each win a visible share of balance.
 *
 * VMs on host-local system datastores stay where the plan found so far puts them (their disks'
 * room is not traded). Pure and deterministic: hosts and VMs are visited by index.
 */
import { Assignment } from './assignment';
import { bisectTarget, EPS, maxLoads, meanLoad, meanLoadFloor, objective } from './objective';
import type { Problem } from './problem';
import type { ClusterSettings } from './settings';

/** Bisection steps on t. */
const STEPS = 20;
/** What a migration must win in the objective, as a share of the cluster's mean load (of the metrics' weighted sum). */
export const PRICE = 0.002;

/** The price of one migration on this cluster: PRICE of the weighted mean load (the lowest spread any plan can reach). */
export function migrationPrice(problem: Problem, settings: ClusterSettings, start: Assignment): number {
  let mean = 0;
  for (let m = 0; m < problem.metrics.length; m++) mean += settings.weights[m]! * (meanLoad(start, m) ?? 0);
  return PRICE * mean;
}

export function searchRepack(problem: Problem, settings: ClusterSettings, from: Assignment): Assignment | undefined {
  const M = problem.metrics.length;
  const start = new Assignment(problem, true);
  const max0 = maxLoads(start);
  const maxFrom = maxLoads(from);
  const lo = meanLoadFloor(start, max0);
  let hi = 0;
  for (let m = 0; m < M; m++) if (max0[m]! > 0) hi = Math.max(hi, maxFrom[m]! / max0[m]!);
  const price = migrationPrice(problem, settings, start);
  const placed = (target: Float64Array): Assignment | undefined => {
    const where = attempt(problem, settings, from, target);
    if (!where) return undefined;
    const a = new Assignment(problem, true);
    // The placement fits as a whole; the moves are recorded from the placement before the plan.
    where.forEach((h, v) => { if (h !== problem.vms[v]!.home) a.move(v, h); });
    return a;
  };
  return bisectTarget(max0, lo, hi, STEPS, objective(from, settings) + price * from.moves.length, placed, (a) => objective(a, settings) + price * a.moves.length);
}

/** One attempt at bringing every counted host to or below `target`: the final host of each VM, or undefined. */
function attempt(problem: Problem, settings: ClusterSettings, from: Assignment, target: Float64Array): Int32Array | undefined {
  const H = problem.hosts.length;
  const M = problem.metrics.length;
  const V = problem.vms.length;
  const where = Int32Array.from(from.where);
  const loads = Float64Array.from(from.loads);
  const freeCpu = Float64Array.from(from.freeCpu);
  const freeMem = Float64Array.from(from.freeMem);
  const inbound = new Int32Array(H);
  let migrations = 0;
  problem.vms.forEach((p, v) => {
    if (where[v] !== p.home) {
      inbound[where[v]!]!++;
      migrations++;
    }
  });
  const stepped = new Uint8Array(V);
  const share = (v: number, h: number, m: number) => from.share(v, h, m);
  const over = (h: number, without = -1, withVm = -1) => {
    let e = 0;
    for (let m = 0; m < M; m++) {
      let l = loads[h * M + m]!;
      if (without >= 0) l -= share(without, h, m);
      if (withVm >= 0) l += share(withVm, h, m);
      e = Math.max(e, (l - target[m]!) / (target[m]! || 1));
    }
    return e;
  };
  const free = (v: number) => problem.vms[v]!.movable && !problem.vms[v]!.hostLocalDs && !stepped[v];
  const mayGo = (v: number, h: number) => h === problem.vms[v]!.home || problem.allowed(v, h);
  /** Change in migrations (counted from home) of VM v going to h, and in inbound of h. */
  const cost = (v: number, h: number) => (where[v] === problem.vms[v]!.home ? 1 : 0) - (h === problem.vms[v]!.home ? 1 : 0);
  const inboundOk = (v: number, h: number, extra = 0) => h === problem.vms[v]!.home || inbound[h]! + extra < settings.maxPerHost;
  const relocate = (v: number, to: number) => {
    const p = problem.vms[v]!;
    const h = where[v]!;
    for (let m = 0; m < M; m++) {
      loads[h * M + m]! -= share(v, h, m);
      loads[to * M + m]! += share(v, to, m);
    }
    freeCpu[h]! += p.cpu; freeMem[h]! += p.mem;
    freeCpu[to]! -= p.cpu; freeMem[to]! -= p.mem;
    if (h !== p.home) inbound[h]!--;
    if (to !== p.home) inbound[to]!++;
    migrations += cost(v, to);
    where[v] = to;
    stepped[v] = 1;
  };

  for (let guard = 0; guard <= V; guard++) {
    let h = -1;
    let worst = EPS;
    for (let x = 0; x < H; x++) {
      if (!problem.counted[x]) continue;
      const e = over(x);
      if (e > worst) { worst = e; h = x; }
    }
    if (h < 0) return where;
    // Best step: [excess left on h, migrations added, room left on the other host, v, u, g].
    let best: { e: number; dm: number; left: number; v: number; u: number; g: number } | undefined;
    const better = (e: number, dm: number, left: number) =>
      !best || e < best.e - EPS || (e <= best.e + EPS && (dm < best.dm || (dm === best.dm && left < best.left - EPS)));
    for (let v = 0; v < V; v++) {
      if (where[v] !== h || !free(v)) continue;
      const pv = problem.vms[v]!;
      const eh = over(h, v);
      if (eh >= worst - EPS) continue;
      for (let g = 0; g < H; g++) {
        if (g === h || !problem.schedulable[g] || !mayGo(v, g)) continue;
        // v alone to g.
        const dm = cost(v, g);
        if (migrations + dm <= settings.limit && inboundOk(v, g) && freeCpu[g]! >= pv.cpu && freeMem[g]! >= pv.mem && (!problem.counted[g] || over(g, -1, v) <= EPS)) {
          const left = roomLeft(problem, g, freeCpu[g]! - pv.cpu, freeMem[g]! - pv.mem);
          if (better(eh, dm, left)) best = { e: eh, dm, left, v, u: -1, g };
        }
        // v traded for u of g, doing less.
        for (let u = 0; u < V; u++) {
          if (where[u] !== g || !free(u) || !mayGo(u, h)) continue;
          const pu = problem.vms[u]!;
          const e = overSwap(loads, target, M, h, (m) => share(u, h, m) - share(v, h, m));
          if (e >= worst - EPS) continue;
          const dmu = dm + cost(u, h);
          if (migrations + dmu > settings.limit) continue;
          if (!inboundOk(v, g) || !inboundOk(u, h)) continue;
          if (freeCpu[g]! + pu.cpu < pv.cpu || freeMem[g]! + pu.mem < pv.mem) continue;
          if (freeCpu[h]! + pv.cpu < pu.cpu || freeMem[h]! + pv.mem < pu.mem) continue;
          if (problem.counted[g] && overSwap(loads, target, M, g, (m) => share(v, g, m) - share(u, g, m)) > EPS) continue;
          const left = roomLeft(problem, g, freeCpu[g]! + pu.cpu - pv.cpu, freeMem[g]! + pu.mem - pv.mem);
          if (better(e, dmu, left)) best = { e, dm: dmu, left, v, u, g };
        }
      }
    }
    if (!best) return undefined;
    relocate(best.v, best.g);
    if (best.u >= 0) relocate(best.u, h);
  }
  return undefined;
}

/** Relative excess over the target of host h after adding delta(m) to its load on each metric. */
function overSwap(loads: Float64Array, target: Float64Array, M: number, h: number, delta: (m: number) => number): number {
  let e = 0;
  for (let m = 0; m < M; m++) e = Math.max(e, (loads[h * M + m]! + delta(m) - target[m]!) / (target[m]! || 1));
  return e;
}

/** Room a host would have left, as shares of its capacity (smaller: a better fit). */
function roomLeft(problem: Problem, h: number, cpu: number, mem: number): number {
  return cpu / Math.max(1, problem.maxCpu[h]!) + mem / Math.max(1, problem.maxMem[h]!);
}
