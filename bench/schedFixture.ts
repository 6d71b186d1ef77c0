/** Synthetic clouds and queues for the planner benchmarks (seeded, so every run plans the same input). */
import type { Host, Snapshot, XmlNode } from '../lib/sched/snapshot';
import type { QueuedJob, RunningJob, SharingInput } from '../lib/sched/contract';
import type { Tenant } from '../lib/domain/tenant';
import { mulberry32 } from '../lib/replay/prng';

const el = (name: string, content: string | number | XmlNode[] = ''): XmlNode =>
  typeof content === 'object' ? { name, text: '', children: content } : { name, text: String(content), children: [] };

/** Seeded, so every run plans the same input. */
export const rng = mulberry32;

const REQUIREMENTS = [
  '',
  'HYPERVISOR = kvm',
  'ARCH = "x86_64" & HYPERVISOR = kvm',
  'CLUSTER_ID = 3',
  'GPUS > 0',
  'FREE_CPU > 400',
  'HYPERVISOR = xen | ARCH = aarch64',
  'NAME = "host1*"',
  '!(CLUSTER_ID = 0) & RACK @> r2',
];
const RANKS = [undefined, undefined, undefined, 'FREE_CPU', '- RUNNING_VMS'];

export function benchSnapshot(nHosts: number, seed = 1): Snapshot {
  const r = rng(seed);
  const hosts: Host[] = [];
  for (let id = 0; id < nHosts; id++) {
    const cpus = [8, 16, 32, 64][Math.floor(r() * 4)];
    const memMb = cpus * 4096;
    const usedCpu = Math.floor(r() * cpus * 0.5) * 100;
    const usedMem = Math.floor(r() * memMb * 0.5) * 1024;
    const clusterId = id % 10;
    const hv = r() < 0.8 ? 'kvm' : 'xen';
    const arch = r() < 0.9 ? 'x86_64' : 'aarch64';
    const running = Math.floor(r() * 10);
    const xml = el('HOST', [
      el('ID', id), el('NAME', `host${id}`), el('STATE', 2), el('CLUSTER_ID', clusterId), el('CLUSTER', `c${clusterId}`),
      el('HOST_SHARE', [el('MEM_USAGE', usedMem), el('CPU_USAGE', usedCpu), el('TOTAL_MEM', memMb * 1024), el('TOTAL_CPU', cpus * 100),
        el('MAX_MEM', memMb * 1024), el('MAX_CPU', cpus * 100), el('RUNNING_VMS', running), el('DATASTORES', [el('FREE_DISK', 500000)])]),
      el('VMS', []),
      el('TEMPLATE', [el('HYPERVISOR', hv), el('ARCH', arch), el('GPUS', r() < 0.1 ? 2 : 0), el('RACK', `r${id % 4}`), el('RACK', `r${(id + 1) % 4}`)]),
      el('MONITORING', [el('CAPACITY', [el('FREE_CPU', cpus * 100 - usedCpu), el('FREE_MEMORY', memMb * 1024 - usedMem)])]),
    ]);
    hosts.push({
      id, name: `host${id}`, state: 'MONITORED', clusterId, clusterName: `c${clusterId}`, imMad: 'kvm', vmMad: 'kvm',
      share: { totalCpu: cpus * 100, totalMem: memMb * 1024, maxCpu: cpus * 100, maxMem: memMb * 1024, cpuUsage: usedCpu, memUsage: usedMem, runningVms: running, freeCpu: cpus * 100 - usedCpu, freeMem: memMb * 1024 - usedMem },
      reservedCpu: '', reservedMem: '', vmIds: [], xml,
    });
  }
  const clusters = Array.from({ length: 10 }, (_, id) => ({
    id, name: `c${id}`, hostIds: [], datastoreIds: [0], vnetIds: [0], reservedCpu: '', reservedMem: '', xml: el('CLUSTER', [el('ID', id), el('TEMPLATE', [])]),
  }));
  const allClusters = clusters.map((c) => c.id);
  const datastores = [{
    id: 0, name: 'system', type: 'SYSTEM' as const, clusterIds: allClusters, totalMb: 1e9, freeMb: 1e9, usedMb: 0, shared: true,
    xml: el('DATASTORE', [el('ID', 0), el('TYPE', 1), el('STATE', 0), el('FREE_MB', 1e9), el('TEMPLATE', [el('SHARED', 'YES')])]),
  }];
  const vnets = [{ id: 0, name: 'net', clusterIds: allClusters, size: 1e7, usedLeases: 0, xml: el('VNET', [el('ID', 0), el('USED_LEASES', 0), el('TEMPLATE', [])]) }];
  return { hosts, clusters, datastores, vnets, vms: [] };
}

export function benchQueue(nJobs: number, seed = 2): QueuedJob[] {
  const r = rng(seed);
  const jobs: QueuedJob[] = [];
  for (let i = 0; i < nJobs; i++) {
    const cpu = [0.5, 1, 2, 4, 8, 16][Math.floor(r() * 6)];
    jobs.push({
      id: `j${i}`, class: r() < 0.6 ? 'prod' : 'beff', priority: Math.floor(r() * 4), submittedAt: i,
      cpu, vcpu: Math.ceil(cpu), memoryMb: [512, 1024, 2048, 4096, 8192][Math.floor(r() * 5)], diskMb: 1024,
      requirements: REQUIREMENTS[Math.floor(r() * REQUIREMENTS.length)], rank: RANKS[Math.floor(r() * RANKS.length)],
      nics: r() < 0.3 ? [{ nicId: 0, auto: true }] : [],
    });
  }
  return jobs;
}

/** Best-effort jobs already running on half the hosts (inside their usage), for preemption. */
export function benchRunning(snapshot: Snapshot, seed = 3): RunningJob[] {
  const r = rng(seed);
  const out: RunningJob[] = [];
  for (const h of snapshot.hosts) {
    let cpu = h.share.cpuUsage;
    let mem = h.share.memUsage;
    for (let k = 0; r() < 0.5 && cpu >= 200 && mem >= 2048 * 1024; k++) {
      cpu -= 200;
      mem -= 2048 * 1024;
      out.push({ id: `r${h.id}-${k}`, vmId: 100000 + h.id * 10 + k, hostId: h.id, class: 'beff', priority: Math.floor(r() * 3), cpu: 2, memoryMb: 2048,
        preemptMode: (['stop', 'suspend', 'undeploy', 'requeue'] as const)[Math.floor(r() * 4)], startedAt: 0, checkpointAt: Math.floor(r() * 1000), state: 'RUNNING' });
    }
  }
  return out;
}

/**
 * The same queue and running jobs spread over `n` tenants (jobs by index, so every tenant has
 * both classes), with shares 1 to 4 and decayed usage, for the sharing variant. The jobs are
 * written out field by field, as the tick builds them: copies made by spreading (`{ ...j }`)
 * are objects the engine reads more slowly, which cost the planner about 0.7 s at 100,000 jobs
 * with or without sharing (the fixture's cost, not the planner's).
 */
export function benchTenants(n: number, queue: readonly QueuedJob[], running: readonly RunningJob[], seed = 4): { queue: QueuedJob[]; running: RunningJob[]; sharing: SharingInput } {
  const r = rng(seed);
  const ids = Array.from({ length: n }, (_, k) => `t${k}`);
  const tenants: Tenant[] = ids.map((id) => ({ id, share: 1 + Math.floor(r() * 4), services: [], users: [{ id: 'u0', share: 1 }, { id: 'u1', share: 2 }] }));
  const usage = Object.fromEntries(ids.map((id) => [id, Math.floor(r() * 1000)]));
  return {
    queue: queue.map((j, k) => ({
      id: j.id, class: j.class, priority: j.priority, submittedAt: j.submittedAt, cpu: j.cpu, vcpu: j.vcpu, memoryMb: j.memoryMb, diskMb: j.diskMb,
      requirements: j.requirements, rank: j.rank, nics: j.nics, tenant: ids[k % n], user: `u${k % 2}`,
    })),
    running: running.map((r, k) => ({
      id: r.id, vmId: r.vmId, hostId: r.hostId, class: r.class, priority: r.priority, cpu: r.cpu, memoryMb: r.memoryMb,
      preemptMode: r.preemptMode, startedAt: r.startedAt, checkpointAt: r.checkpointAt, state: r.state, tenant: ids[(k * 7) % n],
    })),
    sharing: { tenants, usage },
  };
}
