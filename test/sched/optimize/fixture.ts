/**
 * Clusters for the optimiser's tests: hosts whose HOST_SHARE usage is the sum of the VMs
 * booked on them, VMs with MONITORING/CPU, and a reference objective written from one_drs's
 * formulas (independent of lib/sched/optimize) for checks and the exhaustive optimum.
 */
import fc from 'fast-check';
import { compileRequirement, hostLookup } from '../../../lib/sched/expr';
import { combineRequirements } from '../../../lib/sched/exprCache';
import type { Host, Snapshot, Vm } from '../../../lib/sched/snapshot';
import type { OptimizeAction, OptimizeOptions } from '../../../lib/sched/optimize';
import { cluster, datastore, el, host } from '../helpers';

export interface HostSpec {
  readonly id: number;
  readonly cpu: number;
  readonly memMb: number;
  readonly clusterId?: number;
  readonly state?: Host['state'];
  readonly rack?: string;
}

export interface VmSpec {
  readonly id: number;
  readonly host: number;
  readonly cpu: number;
  readonly memoryMb: number;
  /** MONITORING/CPU. */
  readonly usage?: number;
  readonly requirements?: string;
  readonly state?: Vm['state'];
  readonly lcmState?: Vm['lcmState'];
  readonly jobId?: string;
}

export function vmOf(s: VmSpec): Vm {
  return {
    id: s.id, name: `vm-${s.id}`, uid: 0, gid: 0, state: s.state ?? 'ACTIVE', lcmState: s.lcmState ?? 'RUNNING',
    hostId: s.host, hostName: `host${s.host}`, datastoreId: 0, cpu: s.cpu, vcpu: 1, memoryMb: s.memoryMb, disks: [], nics: [],
    schedRequirements: s.requirements ?? '', schedRank: '', schedDsRequirements: '', schedDsRank: '',
    automaticRequirements: '', automaticDsRequirements: '', automaticNicRequirements: '', resched: false, stime: 0, etime: 0,
    ...(s.jobId ? { jobId: s.jobId } : {}),
    xml: el('VM', [el('ID', s.id), el('MONITORING', [el('CPU', s.usage ?? s.cpu * 50)])]),
  };
}

const BOOKED = new Set(['ACTIVE', 'SUSPENDED', 'POWEROFF']);

export function clusterSnapshot(hosts: readonly HostSpec[], vms: readonly VmSpec[]): Snapshot {
  const booked = (h: number) => vms.filter((v) => v.host === h && BOOKED.has(v.state ?? 'ACTIVE'));
  const built = hosts.map((s) => {
    const on = booked(s.id);
    const cpuUsage = on.reduce((a, v) => a + Math.trunc(Math.fround(Math.fround(v.cpu) * 100)), 0);
    const memUsage = on.reduce((a, v) => a + v.memoryMb * 1024, 0);
    const base = host({
      id: s.id, cpu: s.cpu, memMb: s.memMb, clusterId: s.clusterId ?? 0, state: s.state,
      cpuUsed: cpuUsage / 100, memUsedMb: memUsage / 1024, runningVms: on.length, template: s.rack ? { RACK: s.rack } : {},
    });
    const share = { ...base.share, cpuUsage, memUsage, freeCpu: base.share.maxCpu - cpuUsage, freeMem: base.share.maxMem - memUsage };
    return { ...base, share, vmIds: on.map((v) => v.id) };
  });
  const clusterIds = [...new Set(hosts.map((h) => h.clusterId ?? 0))];
  return {
    hosts: built,
    clusters: clusterIds.map((c) => cluster(c, hosts.filter((h) => (h.clusterId ?? 0) === c).map((h) => h.id))),
    datastores: [datastore(0, { clusterIds })],
    vnets: [],
    vms: vms.map(vmOf),
  };
}

/** Whether VM vm may go to host h by the rules (checked here without the optimiser's code). */
export function allowedByRules(vm: Vm, h: Host, from: Host): boolean {
  if (h.id === from.id || h.clusterId !== from.clusterId || h.state !== 'MONITORED') return false;
  const cpu = Math.trunc(Math.fround(Math.fround(vm.cpu) * 100));
  if (h.share.maxCpu < cpu || h.share.maxMem < vm.memoryMb * 1024) return false;
  return compileRequirement(combineRequirements(vm.automaticRequirements, vm.schedRequirements) || 'ID > -1').test(hostLookup(h));
}

/**
 * one_drs's objective for one cluster, from its formulas: balance Σ w·max load + 0.01·n/(2N+1)
 * (CPU_USAGE and CPU over MAX_CPU/100, MEMORY over MAX_MEM/1000), pack = hosts with a VM + n/(2N+1).
 * `counted`: hosts in the objective (schedulable, or holding a movable VM).
 */
export function referenceObjective(
  snap: Snapshot, placement: ReadonlyMap<number, number>, policy: 'balance' | 'pack',
  weights: { cpuUsage?: number; cpu?: number; memory?: number }, moves: number, pairs: number, counted: ReadonlySet<number>,
): number {
  const penalty = moves / (2 * pairs + 1);
  const booked = snap.vms.filter((v) => BOOKED.has(v.state) && v.hostId !== undefined);
  if (policy === 'pack') {
    const used = new Set(booked.map((v) => placement.get(v.id) ?? v.hostId!));
    return [...used].filter((h) => counted.has(h)).length + penalty;
  }
  const sum = (weights.cpuUsage ?? 0) + (weights.cpu ?? 0) + (weights.memory ?? 0);
  let total = 0;
  for (const [metric, w] of [['cpuUsage', weights.cpuUsage ?? 0], ['cpu', weights.cpu ?? 0], ['memory', weights.memory ?? 0]] as const) {
    if (w === 0) continue;
    let max = 0;
    for (const h of snap.hosts) {
      if (!counted.has(h.id)) continue;
      let load = 0;
      for (const v of booked) {
        if ((placement.get(v.id) ?? v.hostId) !== h.id) continue;
        // one_drs weighs monitored CPU / 100 (a percent of one CPU as a number of CPUs).
        const value = metric === 'cpuUsage' ? Number(v.xml!.children.find((c) => c.name === 'MONITORING')!.children[0]!.text) / 100 : metric === 'cpu' ? v.cpu : v.memoryMb;
        load += value / (metric === 'memory' ? h.share.maxMem / 1000 : h.share.maxCpu / 100);
      }
      max = Math.max(max, load);
    }
    total += (w / sum) * max;
  }
  return total + 0.01 * penalty;
}

/** The placement a plan leads to. */
export const placementAfter = (actions: readonly OptimizeAction[]) => new Map(actions.map((a) => [a.vmId, a.hostId]));

/** Random small clusters: racks, a disabled host, VMs with requirements, some not RUNNING. */
export const clusterArb = (maxHosts = 8, maxVms = 24) => fc.record({
  hosts: fc.array(fc.record({
    cpu: fc.integer({ min: 2, max: 16 }),
    memMb: fc.integer({ min: 2, max: 32 }).map((g) => g * 1024),
    rack: fc.constantFrom('a', 'b'),
    state: fc.constantFrom<Host['state']>('MONITORED', 'MONITORED', 'MONITORED', 'MONITORED', 'DISABLED'),
  }), { minLength: 1, maxLength: maxHosts }),
  vms: fc.array(fc.record({
    host: fc.nat(),
    cpu: fc.integer({ min: 1, max: 8 }).map((c) => c / 2),
    memoryMb: fc.integer({ min: 1, max: 16 }).map((m) => m * 512),
    usage: fc.integer({ min: 0, max: 400 }),
    requirements: fc.constantFrom('', '', '', 'RACK = "a"', 'ID != 0', 'ID = 1 | ID = 2 | ID = 3', 'HYPERVISOR = "kvm"', 'CPU_USAGE < 400'),
    state: fc.constantFrom<Vm['state']>('ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'SUSPENDED', 'POWEROFF'),
  }), { maxLength: maxVms }),
  leaveAlone: fc.array(fc.nat(), { maxLength: 3 }),
}).map(({ hosts, vms, leaveAlone }) => {
  const hs: HostSpec[] = hosts.map((h, i) => ({ id: i, ...h }));
  const vs: VmSpec[] = vms.map((v, i) => ({ id: 100 + i, host: v.host % hs.length, cpu: v.cpu, memoryMb: v.memoryMb, usage: v.usage, requirements: v.requirements, state: v.state, lcmState: v.state === 'ACTIVE' ? 'RUNNING' : 'LCM_INIT' }));
  return { snapshot: clusterSnapshot(hs, vs), leaveAlone: leaveAlone.map((n) => 100 + n) };
});

export const optionsArb: fc.Arbitrary<Omit<OptimizeOptions, 'leaveAlone'>> = fc.record({
  policy: fc.constantFrom('balance' as const, 'pack' as const),
  weights: fc.record({ cpuUsage: fc.integer({ min: 0, max: 3 }), cpu: fc.integer({ min: 0, max: 3 }), memory: fc.integer({ min: 1, max: 3 }) }),
  thresholds: fc.record({ migration: fc.integer({ min: -1, max: 6 }), hostMigration: fc.integer({ min: -1, max: 6 }) }),
  maxActionsPerHost: fc.integer({ min: 1, max: 3 }),
  maxActionsPerCluster: fc.integer({ min: 0, max: 40 }),
});
