/** Builders for planner inputs: hosts, datastores, networks and jobs with the XML OpenNebula would send. */
import type { Cluster, Datastore, Host, Snapshot, Vm, Vnet, XmlNode } from '../../lib/sched/snapshot';
import { DEFAULT_POLICY } from '../../lib/sched/policy';
import type { Policy, PlanInput, QueuedJob, RunningJob } from '../../lib/sched/contract';

export const el = (name: string, content: string | number | XmlNode[] = ''): XmlNode =>
  typeof content === 'object' ? { name, text: '', children: content } : { name, text: String(content), children: [] };

const tmpl = (attrs: Record<string, string | number>): XmlNode[] => Object.entries(attrs).map(([k, v]) => el(k, v));

export interface HostSpec {
  id: number;
  cpu?: number; // CPUs
  memMb?: number;
  cpuUsed?: number; // CPUs
  memUsedMb?: number;
  runningVms?: number;
  clusterId?: number;
  state?: Host['state'];
  template?: Record<string, string | number>;
  reservedCpu?: string;
  reservedMem?: string;
  localDs?: Record<number, number>;
}

export function host(s: HostSpec): Host {
  const totalCpu = (s.cpu ?? 8) * 100;
  const totalMem = (s.memMb ?? 16384) * 1024;
  const cpuUsage = (s.cpuUsed ?? 0) * 100;
  const memUsage = (s.memUsedMb ?? 0) * 1024;
  const running = s.runningVms ?? 0;
  const clusterId = s.clusterId ?? 0;
  const state = s.state ?? 'MONITORED';
  const dsNodes = Object.entries(s.localDs ?? {}).map(([id, free]) => el('DS', [el('ID', id), el('FREE_MB', free)]));
  const xml = el('HOST', [
    el('ID', s.id), el('NAME', `host${s.id}`), el('STATE', 2), el('CLUSTER_ID', clusterId), el('CLUSTER', `c${clusterId}`),
    el('HOST_SHARE', [
      el('MEM_USAGE', memUsage), el('CPU_USAGE', cpuUsage), el('TOTAL_MEM', totalMem), el('TOTAL_CPU', totalCpu),
      el('MAX_MEM', totalMem), el('MAX_CPU', totalCpu), el('RUNNING_VMS', running),
      el('DATASTORES', [el('FREE_DISK', 100000), ...dsNodes]),
    ]),
    el('VMS', []),
    el('TEMPLATE', tmpl({ HYPERVISOR: 'kvm', ...(s.template ?? {}) })),
    el('MONITORING', [el('CAPACITY', [el('FREE_CPU', totalCpu - cpuUsage), el('FREE_MEMORY', totalMem - memUsage)])]),
  ]);
  return {
    id: s.id, name: `host${s.id}`, state, clusterId, clusterName: `c${clusterId}`, imMad: 'kvm', vmMad: 'kvm',
    share: { totalCpu, totalMem, maxCpu: totalCpu, maxMem: totalMem, cpuUsage, memUsage, runningVms: running, freeCpu: totalCpu - cpuUsage, freeMem: totalMem - memUsage },
    reservedCpu: s.reservedCpu ?? '', reservedMem: s.reservedMem ?? '', vmIds: [], xml,
  };
}

export function cluster(id: number, hostIds: number[], extra: Partial<Cluster> = {}): Cluster {
  return { id, name: `c${id}`, hostIds, datastoreIds: [0], vnetIds: [], reservedCpu: '', reservedMem: '', xml: el('CLUSTER', [el('ID', id), el('TEMPLATE', [])]), ...extra };
}

export function datastore(id: number, opts: { freeMb?: number; shared?: boolean; clusterIds?: number[]; type?: Datastore['type']; template?: Record<string, string | number> } = {}): Datastore {
  const freeMb = opts.freeMb ?? 1_000_000;
  const shared = opts.shared ?? true;
  return {
    id, name: `ds${id}`, type: opts.type ?? 'SYSTEM', clusterIds: opts.clusterIds ?? [0], totalMb: 2_000_000, freeMb, usedMb: 2_000_000 - freeMb, shared,
    xml: el('DATASTORE', [el('ID', id), el('NAME', `ds${id}`), el('TYPE', 1), el('STATE', 0), el('TOTAL_MB', 2_000_000), el('FREE_MB', freeMb), el('USED_MB', 2_000_000 - freeMb),
      el('TEMPLATE', tmpl({ SHARED: shared ? 'YES' : 'NO', ...(opts.template ?? {}) }))]),
  };
}

export function vnet(id: number, opts: { size?: number; used?: number; clusterIds?: number[]; template?: Record<string, string | number> } = {}): Vnet {
  const size = opts.size ?? 254;
  const used = opts.used ?? 0;
  return {
    id, name: `net${id}`, clusterIds: opts.clusterIds ?? [0], size, usedLeases: used,
    xml: el('VNET', [el('ID', id), el('NAME', `net${id}`), el('USED_LEASES', used), el('TEMPLATE', tmpl(opts.template ?? {}))]),
  };
}

let seq = 0;
export function job(j: Partial<QueuedJob> & { id?: string } = {}): QueuedJob {
  seq++;
  return {
    id: j.id ?? `job${String(seq).padStart(5, '0')}`, class: 'prod', priority: 0, submittedAt: seq, cpu: 1, vcpu: 1, memoryMb: 1024, diskMb: 0,
    requirements: '', nics: [], ...j,
  };
}

export function runningJob(r: Partial<RunningJob> & { id: string; hostId: number }): RunningJob {
  return { vmId: 1000 + Number(r.id.replace(/\D/g, '') || 0), class: 'beff', priority: 0, cpu: 1, memoryMb: 1024, preemptMode: 'stop', startedAt: 0, state: 'RUNNING', ...r };
}

export function snapshot(hosts: Host[], extra: Partial<Snapshot> = {}): Snapshot {
  return { hosts, clusters: [cluster(0, hosts.map((h) => h.id))], datastores: [datastore(0)], vnets: [], vms: [], ...extra };
}

export function input(snap: Snapshot, queue: QueuedJob[], opts: { running?: RunningJob[]; policy?: Partial<Policy>; now?: number } = {}): PlanInput {
  return { snapshot: snap, queue, running: opts.running ?? [], policy: { ...DEFAULT_POLICY, ...(opts.policy ?? {}) }, now: opts.now ?? 1_000_000 };
}

export type { Vm };
