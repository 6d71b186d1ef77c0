/**
 * Optimisation plans (DRS) at 1,000 hosts × 10,000 RUNNING VMs: one cluster of 1,000 hosts (the
 * hardest case: every host is a candidate for every VM) and 10 clusters of 100, a lopsided
 * placement (a third of the hosts carry most VMs), a mix of requirements, both policies, with
 * and without MAX_ACTIONS_PER_CLUSTER. Run: npx tsx bench/optimize.bench.ts
 */
import { pathToFileURL } from 'node:url';
import type { Host, Snapshot, Vm, XmlNode } from '../lib/sched/snapshot';
import { optimize, type OptimizePolicyName } from '../lib/sched/optimize';
import { rng } from './schedFixture';

const el = (name: string, content: string | number | XmlNode[] = ''): XmlNode =>
  typeof content === 'object' ? { name, text: '', children: content } : { name, text: String(content), children: [] };

const REQUIREMENTS = ['', '', '', 'HYPERVISOR = kvm', 'RACK = "r1" | RACK = "r2"', 'ID != 7', 'FREE_CPU > 200'];

export function optimizeSnapshot(nHosts: number, nVms: number, clusters: number, seed = 7): Snapshot {
  const r = rng(seed);
  const cpus = new Array<number>(nHosts);
  const usedCpu = new Array<number>(nHosts).fill(0);
  const usedMem = new Array<number>(nHosts).fill(0);
  const onHost: number[][] = Array.from({ length: nHosts }, () => []);
  for (let h = 0; h < nHosts; h++) cpus[h] = [32, 48, 64][Math.floor(r() * 3)]!;
  const vms: Vm[] = [];
  for (let i = 0; i < nVms; i++) {
    const cpu = [0.5, 1, 2, 4][Math.floor(r() * 4)]!;
    const memoryMb = cpu * 2048;
    // Lopsided: two thirds of the VMs try the first third of the hosts first.
    let h = r() < 0.66 ? Math.floor(r() * nHosts / 3) : Math.floor(r() * nHosts);
    for (let tries = 0; tries < nHosts && (usedCpu[h]! + cpu * 100 > cpus[h]! * 100 || usedMem[h]! + memoryMb * 1024 > cpus[h]! * 4096 * 1024); tries++) h = (h + 1) % nHosts;
    usedCpu[h]! += cpu * 100;
    usedMem[h]! += memoryMb * 1024;
    onHost[h]!.push(i);
    vms.push({
      id: i, name: `vm${i}`, uid: 0, gid: 0, state: 'ACTIVE', lcmState: 'RUNNING', hostId: h, hostName: `host${h}`, datastoreId: 0,
      cpu, vcpu: Math.ceil(cpu), memoryMb, disks: [], nics: [], schedRequirements: REQUIREMENTS[i % REQUIREMENTS.length]!, schedRank: '',
      schedDsRequirements: '', schedDsRank: '', automaticRequirements: '', automaticDsRequirements: '', automaticNicRequirements: '',
      resched: false, stime: 0, etime: 0, xml: el('VM', [el('ID', i), el('MONITORING', [el('CPU', Math.round(r() * cpu * 100))])]),
    });
  }
  const hosts: Host[] = cpus.map((c, id) => {
    const clusterId = id % clusters;
    const maxCpu = c * 100;
    const maxMem = c * 4096 * 1024;
    return {
      id, name: `host${id}`, state: 'MONITORED', clusterId, clusterName: `c${clusterId}`, imMad: 'kvm', vmMad: 'kvm',
      share: { totalCpu: maxCpu, totalMem: maxMem, maxCpu, maxMem, cpuUsage: usedCpu[id]!, memUsage: usedMem[id]!, runningVms: onHost[id]!.length, freeCpu: maxCpu - usedCpu[id]!, freeMem: maxMem - usedMem[id]! },
      reservedCpu: '', reservedMem: '', vmIds: onHost[id]!,
      xml: el('HOST', [el('ID', id), el('NAME', `host${id}`), el('STATE', 2), el('CLUSTER_ID', clusterId),
        el('HOST_SHARE', [el('CPU_USAGE', usedCpu[id]!), el('MAX_CPU', maxCpu), el('MEM_USAGE', usedMem[id]!), el('MAX_MEM', maxMem)]),
        el('TEMPLATE', [el('HYPERVISOR', id % 9 === 0 ? 'xen' : 'kvm'), el('RACK', `r${id % 4}`)]),
        el('MONITORING', [el('CAPACITY', [el('FREE_CPU', maxCpu - usedCpu[id]!)])])]),
    };
  });
  // Placement above ignored the cluster: VMs live in their host's cluster whatever it is.
  return {
    hosts,
    clusters: Array.from({ length: clusters }, (_, id) => ({ id, name: `c${id}`, hostIds: [], datastoreIds: [0], vnetIds: [], reservedCpu: '', reservedMem: '', xml: el('CLUSTER', [el('ID', id), el('TEMPLATE', [])]) })),
    datastores: [{ id: 0, name: 'system', type: 'SYSTEM', clusterIds: Array.from({ length: clusters }, (_, i) => i), totalMb: 1e9, freeMb: 1e9, usedMb: 0, shared: true, xml: el('DATASTORE', [el('ID', 0)]) }],
    vnets: [],
    vms,
  };
}

export function measure(clusters: number, policy: OptimizePolicyName, maxActionsPerCluster: number) {
  const snapshot = optimizeSnapshot(1_000, 10_000, clusters);
  global.gc?.();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const p = optimize(snapshot, { policy, weights: { cpuUsage: 1, cpu: 1, memory: 1 }, maxActionsPerCluster });
  const cpu = process.cpuUsage(c0);
  return {
    hosts: 1_000, vms: 10_000, clusters, policy, 'max/cluster': maxActionsPerCluster || '∞',
    ms: Math.round(performance.now() - t0), 'cpu ms': Math.round((cpu.user + cpu.system) / 1000),
    migrations: p.actions.length, before: Number(p.objectiveBefore.toFixed(3)), after: Number(p.objectiveAfter.toFixed(3)),
    'peak rss MB': Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

export async function run(): Promise<void> {
  const rows = [];
  for (const clusters of [1, 10]) for (const policy of ['balance', 'pack'] as const) for (const max of [30, 0]) rows.push(measure(clusters, policy, max));
  console.log('optimisation plans: optimize()');
  console.table(rows);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
