/**
 * How close the heuristics get to one_drs's optimum: on small random clusters the exhaustive
 * optimum (every assignment of the movable VMs, under the same rules: requirements, room with
 * no room reused within the plan, migrations into a host, thresholds) is compared with the
 * plan's objective. The figures measured are in the design notes of
 * lib/sched/optimize/balance.ts and pack.ts; the assertions keep them from sliding back.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Snapshot, Vm } from '../../../lib/sched/snapshot';
import { optimize } from '../../../lib/sched/optimize';
import { allowedByRules, clusterSnapshot, referenceObjective, type HostSpec, type VmSpec } from './fixture';

interface Instance {
  readonly snapshot: Snapshot;
  readonly weights: { cpuUsage: number; cpu: number; memory: number };
  readonly maxActionsPerHost: number;
}

const instanceArb = fc.record({
  hosts: fc.array(fc.record({ cpu: fc.integer({ min: 4, max: 12 }), memMb: fc.integer({ min: 4, max: 16 }).map((g) => g * 1024), rack: fc.constantFrom('a', 'b') }), { minLength: 3, maxLength: 4 }),
  vms: fc.array(fc.record({
    host: fc.nat(), cpu: fc.integer({ min: 1, max: 6 }).map((c) => c / 2), memoryMb: fc.integer({ min: 1, max: 8 }).map((m) => m * 512),
    usage: fc.integer({ min: 0, max: 300 }), requirements: fc.constantFrom('', '', '', 'RACK = "a"', 'ID != 0'),
  }), { minLength: 3, maxLength: 7 }),
  weights: fc.record({ cpuUsage: fc.integer({ min: 0, max: 2 }), cpu: fc.integer({ min: 0, max: 2 }), memory: fc.integer({ min: 1, max: 2 }) }),
  maxActionsPerHost: fc.integer({ min: 1, max: 3 }),
}).map(({ hosts, vms, weights, maxActionsPerHost }): Instance => {
  const hs: HostSpec[] = hosts.map((h, i) => ({ id: i, ...h }));
  // Start lopsided: most VMs on the first hosts.
  const vs: VmSpec[] = vms.map((v, i) => ({ id: 100 + i, host: (v.host % 3) % 2 === 0 ? 0 : v.host % hs.length, cpu: v.cpu, memoryMb: v.memoryMb, usage: v.usage, requirements: v.requirements }));
  return { snapshot: clusterSnapshot(hs, vs), weights, maxActionsPerHost };
});

/** The exhaustive optimum of one_drs's objective under the plan's rules. */
function optimum(inst: Instance, policy: 'balance' | 'pack'): number {
  const { snapshot } = inst;
  const hosts = new Map(snapshot.hosts.map((h) => [h.id, h]));
  const vms = snapshot.vms;
  const options = vms.map((v) => [v.hostId!, ...snapshot.hosts.filter((h) => allowedByRules(v, h, hosts.get(v.hostId!)!)).map((h) => h.id)]);
  const pairs = options.reduce((s, o) => s + o.length - 1, 0);
  const counted = new Set(snapshot.hosts.map((h) => h.id));
  let best = Infinity;
  const choice: number[] = [];
  const visit = (i: number) => {
    if (i === vms.length) {
      if (!feasible(snapshot, vms, choice, inst.maxActionsPerHost)) return;
      const placement = new Map(vms.map((v, k) => [v.id, choice[k]!]));
      const moves = vms.filter((v, k) => choice[k] !== v.hostId).length;
      best = Math.min(best, referenceObjective(snapshot, placement, policy, inst.weights, moves, pairs, counted));
      return;
    }
    for (const h of options[i]!) {
      choice[i] = h;
      visit(i + 1);
    }
  };
  visit(0);
  return best;
}

function feasible(snapshot: Snapshot, vms: readonly Vm[], choice: readonly number[], maxPerHost: number): boolean {
  for (const h of snapshot.hosts) {
    const incoming = vms.filter((v, k) => choice[k] === h.id && v.hostId !== h.id);
    if (incoming.length === 0) continue;
    if (incoming.length > maxPerHost) return false;
    const cpu = incoming.reduce((s, v) => s + Math.trunc(Math.fround(Math.fround(v.cpu) * 100)), 0);
    const mem = incoming.reduce((s, v) => s + v.memoryMb * 1024, 0);
    if (cpu > h.share.maxCpu - h.share.cpuUsage || mem > h.share.maxMem - h.share.memUsage) return false;
  }
  return true;
}

function measure(policy: 'balance' | 'pack') {
  const instances = fc.sample(instanceArb, { numRuns: 250, seed: 42 });
  let gained = 0;
  let possible = 0;
  let exact = 0;
  let improvable = 0;
  let gap = 0;
  for (const inst of instances) {
    const p = optimize(inst.snapshot, { policy, weights: inst.weights, maxActionsPerHost: inst.maxActionsPerHost, maxActionsPerCluster: 0 });
    const opt = optimum(inst, policy);
    expect(p.objectiveAfter).toBeGreaterThanOrEqual(opt - 1e-9);
    if (p.objectiveBefore - opt > 1e-9) {
      improvable++;
      gained += p.objectiveBefore - p.objectiveAfter;
      possible += p.objectiveBefore - opt;
      if (p.objectiveAfter - opt < 1e-9) exact++;
      gap += (p.objectiveAfter - opt) / opt;
    }
  }
  return { instances: instances.length, improvable, exact, share: gained / possible, gap: gap / improvable };
}

describe('optimize: quality against the exhaustive optimum', () => {
  it('balance: gets most of the improvement the optimum gets', () => {
    const r = measure('balance');
    console.info(`balance: ${r.improvable} of ${r.instances} improvable; optimum reached in ${r.exact}; ${(100 * r.share).toFixed(1)}% of the possible improvement; objective ${(100 * r.gap).toFixed(1)}% above the optimum on average`);
    expect(r.share).toBeGreaterThan(0.9);
  });

  it('pack: empties nearly as many hosts as the optimum', () => {
    const r = measure('pack');
    console.info(`pack: ${r.improvable} of ${r.instances} improvable; optimum reached in ${r.exact}; ${(100 * r.share).toFixed(1)}% of the possible improvement; objective ${(100 * r.gap).toFixed(1)}% above the optimum on average`);
    expect(r.share).toBeGreaterThan(0.9);
  });
});
