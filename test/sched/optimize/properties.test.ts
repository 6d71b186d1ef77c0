/**
 * What every optimisation plan keeps, on random clusters: capacity, requirements, thresholds,
 * slots, only RUNNING VMs not left alone, an objective never worse (checked with one_drs's
 * formulas, written independently in fixture.ts), and the same plan for the same input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { optimize, type OptimizeOptions } from '../../../lib/sched/optimize';
import type { Snapshot } from '../../../lib/sched/snapshot';
import { allowedByRules, clusterArb, optionsArb, placementAfter, referenceObjective } from './fixture';

const RUNS = { numRuns: 300 };

const plan = (snapshot: Snapshot, o: Omit<OptimizeOptions, 'leaveAlone'>, leaveAlone: number[]) => optimize(snapshot, { ...o, leaveAlone });

describe('optimize: properties', () => {
  it('never books more than a host has free, counting every migration into it', () => {
    fc.assert(fc.property(clusterArb(), optionsArb, ({ snapshot, leaveAlone }, o) => {
      // Act
      const p = plan(snapshot, o, leaveAlone);
      // Assess
      for (const h of snapshot.hosts) {
        const incoming = p.actions.filter((a) => a.hostId === h.id).map((a) => snapshot.vms.find((v) => v.id === a.vmId)!);
        const cpu = incoming.reduce((s, v) => s + Math.trunc(Math.fround(Math.fround(v.cpu) * 100)), 0);
        const mem = incoming.reduce((s, v) => s + v.memoryMb * 1024, 0);
        expect(cpu).toBeLessThanOrEqual(Math.max(0, h.share.maxCpu - h.share.cpuUsage));
        expect(mem).toBeLessThanOrEqual(Math.max(0, h.share.maxMem - h.share.memUsage));
      }
    }), RUNS);
  });

  it('with final room, the placement the plan ends in fits every host, the objective is never worse and the plan is the same for the same input', () => {
    fc.assert(fc.property(clusterArb(), optionsArb, ({ snapshot, leaveAlone }, o) => {
      // Act
      const p = plan(snapshot, { ...o, finalPlacement: true }, leaveAlone);
      // Assess
      const vm = (id: number) => snapshot.vms.find((v) => v.id === id)!;
      const cpuOf = (id: number) => Math.trunc(Math.fround(Math.fround(vm(id).cpu) * 100));
      for (const h of snapshot.hosts) {
        const incoming = p.actions.filter((a) => a.hostId === h.id);
        const leaving = p.actions.filter((a) => a.fromHostId === h.id);
        const cpu = incoming.reduce((s, a) => s + cpuOf(a.vmId), 0) - leaving.reduce((s, a) => s + cpuOf(a.vmId), 0);
        const mem = incoming.reduce((s, a) => s + vm(a.vmId).memoryMb * 1024, 0) - leaving.reduce((s, a) => s + vm(a.vmId).memoryMb * 1024, 0);
        if (incoming.length > 0) {
          expect(cpu).toBeLessThanOrEqual(Math.max(0, h.share.maxCpu - h.share.cpuUsage));
          expect(mem).toBeLessThanOrEqual(Math.max(0, h.share.maxMem - h.share.memUsage));
        }
      }
      expect(new Set(p.actions.map((a) => a.vmId)).size).toBe(p.actions.length);
      expect(p.objectiveAfter).toBeLessThanOrEqual(p.objectiveBefore + 1e-12);
      const shuffled: Snapshot = { ...snapshot, hosts: [...snapshot.hosts].reverse(), vms: [...snapshot.vms].reverse() };
      expect(plan(shuffled, { ...o, finalPlacement: true }, [...leaveAlone].reverse())).toEqual(p);
    }), RUNS);
  });

  it('moves only RUNNING VMs not left alone, once each, to hosts their requirements accept', () => {
    fc.assert(fc.property(clusterArb(), optionsArb, ({ snapshot, leaveAlone }, o) => {
      const p = plan(snapshot, o, leaveAlone);
      const hosts = new Map(snapshot.hosts.map((h) => [h.id, h]));
      expect(new Set(p.actions.map((a) => a.vmId)).size).toBe(p.actions.length);
      for (const a of p.actions) {
        const vm = snapshot.vms.find((v) => v.id === a.vmId)!;
        expect(vm.state === 'ACTIVE' && vm.lcmState === 'RUNNING').toBe(true);
        expect(leaveAlone).not.toContain(vm.id);
        expect(a.fromHostId).toBe(vm.hostId);
        expect(allowedByRules(vm, hosts.get(a.hostId)!, hosts.get(a.fromHostId)!)).toBe(true);
      }
    }), RUNS);
  });

  it('keeps the thresholds, MAX_ACTIONS_PER_CLUSTER and migrations into a host', () => {
    fc.assert(fc.property(clusterArb(), optionsArb, ({ snapshot, leaveAlone }, o) => {
      const p = plan(snapshot, o, leaveAlone);
      const limits = [o.thresholds?.migration ?? -1, o.thresholds?.hostMigration ?? -1, o.maxActionsPerCluster === 0 ? -1 : o.maxActionsPerCluster ?? 30];
      for (const l of limits) if (l >= 0) expect(p.actions.length).toBeLessThanOrEqual(l);
      const into = new Map<number, number>();
      for (const a of p.actions) into.set(a.hostId, (into.get(a.hostId) ?? 0) + 1);
      for (const n of into.values()) expect(n).toBeLessThanOrEqual(o.maxActionsPerHost ?? 1);
    }), RUNS);
  });

  it('never makes the objective worse, and reports it as one_drs defines it', () => {
    fc.assert(fc.property(clusterArb(), optionsArb, ({ snapshot, leaveAlone }, o) => {
      const p = plan(snapshot, o, leaveAlone);
      expect(p.objectiveAfter).toBeLessThanOrEqual(p.objectiveBefore + 1e-12);
      if (p.actions.length > 0) expect(p.objectiveAfter).toBeLessThan(p.objectiveBefore);
      // The reference needs N (pairs) and the hosts counted: recompute them by the rules.
      const movable = snapshot.vms.filter((v) => v.state === 'ACTIVE' && v.lcmState === 'RUNNING' && !leaveAlone.includes(v.id));
      const hosts = new Map(snapshot.hosts.map((h) => [h.id, h]));
      const pairs = movable.reduce((s, v) => s + snapshot.hosts.filter((h) => allowedByRules(v, h, hosts.get(v.hostId!)!)).length, 0);
      const counted = new Set([...snapshot.hosts.filter((h) => h.state === 'MONITORED').map((h) => h.id), ...movable.map((v) => v.hostId!)]);
      const before = referenceObjective(snapshot, new Map(), o.policy, o.weights ?? {}, 0, pairs, counted);
      const after = referenceObjective(snapshot, placementAfter(p.actions), o.policy, o.weights ?? {}, p.actions.length, pairs, counted);
      expect(p.objectiveBefore).toBeCloseTo(before, 9);
      expect(p.objectiveAfter).toBeCloseTo(after, 9);
    }), RUNS);
  });

  it('gives the same plan for the same input, whatever the order of hosts and VMs', () => {
    fc.assert(fc.property(clusterArb(), optionsArb, ({ snapshot, leaveAlone }, o) => {
      const p1 = plan(snapshot, o, leaveAlone);
      const shuffled: Snapshot = { ...snapshot, hosts: [...snapshot.hosts].reverse(), vms: [...snapshot.vms].reverse() };
      const p2 = plan(shuffled, o, [...leaveAlone].reverse());
      expect(p2).toEqual(p1);
    }), RUNS);
  });
});
