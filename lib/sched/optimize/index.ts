/**
 * optimize(): DRS-style optimisation plans, a pure function of the snapshot and the options
 * (no clock, no randomness; hosts and VMs are taken by ascending id, so the same input in any
 * order gives the same plan). Each cluster is optimised on its own, as OpenNebula's one_drs
 * does (a plan per cluster, PLAN/ID = the cluster id); VMs never leave their cluster.
 *
 * What holds for every plan (test/sched/optimize/properties.test.ts):
 *   - a VM only goes to a host its requirements accept, in its cluster, that the placer would
 *     schedule on, with room for it on top of everything already there and everything the
 *     plan sends there (room a VM leaves is not reused within the plan); with `finalPlacement`,
 *     with room for it in the placement the plan ends in;
 *   - at most maxActionsPerHost migrations into one host, at most the thresholds in all;
 *   - only RUNNING VMs move, never one left alone; each at most once;
 *   - the objective after the plan is never above the objective before it.
 */
import { ExprCache } from '../exprCache';
import type { Snapshot } from '../snapshot';
import { Assignment, type Move } from './assignment';
import { searchBalance } from './balance';
import { EPS, objective } from './objective';
import { searchPack } from './pack';
import { buildProblem, type Problem } from './problem';
import { resolveSettings } from './settings';
import type { ClusterOutcome, OptimizeAction, OptimizeOptions, OptimizePlan } from './types';

export * from './types';
export { OptimizeOptionsError } from './errors';
export { DEFAULT_MAX_ACTIONS_PER_CLUSTER, DEFAULT_WEIGHTS } from './settings';

export function optimize(snapshot: Snapshot, options: OptimizeOptions): OptimizePlan {
  const clusterIds = options.clusterId !== undefined
    ? [options.clusterId]
    : [...new Set(snapshot.hosts.map((h) => h.clusterId))].sort((a, b) => a - b);
  const exprs = new ExprCache();
  const actions: OptimizeAction[] = [];
  const outcomes: ClusterOutcome[] = [];
  const reasons: string[] = [];
  let before = 0;
  let after = 0;

  for (const clusterId of clusterIds) {
    const cluster = snapshot.clusters.find((c) => c.id === clusterId);
    const settings = resolveSettings(options, cluster);
    const problem = buildProblem(snapshot, cluster, clusterId, settings, options, exprs);
    const name = `cluster ${clusterId}${cluster ? ` (${cluster.name})` : ''}`;
    if (problem.hosts.length === 0) {
      reasons.push(`${name}: no hosts`);
      continue;
    }
    const a = new Assignment(problem, settings.finalPlacement);
    const start = objective(a, settings);
    const { stoppedAtLimit } = settings.policy === 'pack' ? searchPack(a, settings) : searchBalance(a, settings);
    let end = objective(a, settings);
    // Step 5 of both searches: a plan that does not lower the objective is no plan.
    if (end >= start - EPS && a.moves.length > 0) {
      for (const mv of [...a.moves]) a.undo(mv.v);
      end = objective(a, settings);
    }
    const movable = problem.vms.filter((p) => p.movable).length;
    before += start;
    after += end;
    outcomes.push({ clusterId, policy: settings.policy, objectiveBefore: start, objectiveAfter: end, migrations: a.moves.length, movable });
    for (const mv of executionOrder(problem, a.moves)) {
      const vm = problem.vms[mv.v]!.vm;
      actions.push({
        type: 'migrate', ...(vm.jobId !== undefined ? { jobId: vm.jobId } : {}), vmId: vm.id,
        fromHostId: problem.hosts[mv.from]!.id, hostId: problem.hosts[mv.to]!.id,
        ...(vm.datastoreId !== undefined ? { datastoreId: vm.datastoreId } : {}),
      });
    }
    reasons.push(summary(name, settings.policy, start, end, a.moves.length, movable));
    if (stoppedAtLimit) reasons.push(`${name}: stopped at ${settings.limitName}=${settings.limit}; the next run goes on`);
    reasons.push(...problem.notes.map((n) => `${name}: ${n}`));
  }
  return { actions, objectiveBefore: before, objectiveAfter: after, clusters: outcomes, reasons };
}

/**
 * The plan's migrations in the order they are listed (oned starts a plan's actions in that
 * order): by VM id, except that a migration whose VM does not fit on its target yet waits until
 * the migrations before it have left that host (their room counted as freed once listed). With
 * room booked on top (the default) every migration fits at once, so the order is by VM id; with
 * final room, a trade between full hosts has no such order, and its migrations are listed by VM
 * id where they are reached (oned runs them all the same).
 */
function executionOrder(problem: Problem, moves: readonly Move[]): Move[] {
  const freeCpu = Float64Array.from(problem.freeCpu);
  const freeMem = Float64Array.from(problem.freeMem);
  const pending = [...moves].sort((x, y) => problem.vms[x.v]!.vm.id - problem.vms[y.v]!.vm.id);
  const out: Move[] = [];
  while (pending.length > 0) {
    let i = pending.findIndex((mv) => freeCpu[mv.to]! >= problem.vms[mv.v]!.cpu && freeMem[mv.to]! >= problem.vms[mv.v]!.mem);
    if (i < 0) i = 0;
    const mv = pending.splice(i, 1)[0]!;
    const p = problem.vms[mv.v]!;
    freeCpu[mv.to]! -= p.cpu;
    freeMem[mv.to]! -= p.mem;
    freeCpu[mv.from]! += p.cpu;
    freeMem[mv.from]! += p.mem;
    out.push(mv);
  }
  return out;
}

function summary(name: string, policy: string, start: number, end: number, moves: number, movable: number): string {
  const value = (x: number) => (policy === 'pack' ? x.toFixed(3) : x.toFixed(4));
  if (moves > 0) return `${name}: ${policy} objective ${value(start)} → ${value(end)} with ${moves} migration${moves > 1 ? 's' : ''}`;
  if (movable === 0) return `${name}: no VM can move (none RUNNING, or all left alone)`;
  return `${name}: no migration lowers the ${policy} objective (${value(start)})`;
}
