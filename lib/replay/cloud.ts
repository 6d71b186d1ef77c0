/**
 * The simulated cloud as the planner reads it: hosts of one size in one cluster, with a shared
 * system datastore and no networks (jobs of a trace have neither disks nor NICs). A host's
 * HOST_SHARE books what OpenNebula would: running, booting, saving and suspended VMs, and VMs
 * deployed and waiting for their preemption victims to leave.
 */
import type { Cluster, Datastore, Host, Snapshot, XmlNode } from '../sched/snapshot';
import type { CloudShape } from './workload';

const el = (name: string, content: string | number | XmlNode[] = ''): XmlNode =>
  typeof content === 'object' ? { name, text: '', children: content } : { name, text: String(content), children: [] };

export interface HostUse {
  /** Booked, in OpenNebula units (CPU × 100, KB). */
  cpu: number;
  mem: number;
  vms: number;
}

export class SimCloud {
  readonly maxCpu: number;
  readonly maxMem: number;
  readonly use: HostUse[];
  private readonly cluster: Cluster;
  private readonly datastore: Datastore;

  constructor(readonly shape: CloudShape) {
    this.maxCpu = shape.hostCpus * 100;
    this.maxMem = shape.hostMemoryMb * 1024;
    this.use = Array.from({ length: shape.hosts }, () => ({ cpu: 0, mem: 0, vms: 0 }));
    const hostIds = this.use.map((_, i) => i);
    this.cluster = { id: 0, name: 'replay', hostIds, datastoreIds: [0], vnetIds: [], reservedCpu: '', reservedMem: '', xml: el('CLUSTER', [el('ID', 0), el('NAME', 'replay'), el('TEMPLATE', [])]) };
    this.datastore = {
      id: 0, name: 'system', type: 'SYSTEM', clusterIds: [0], totalMb: 1e12, freeMb: 1e12, usedMb: 0, shared: true,
      xml: el('DATASTORE', [el('ID', 0), el('NAME', 'system'), el('TYPE', 1), el('STATE', 0), el('FREE_MB', 1e12), el('TEMPLATE', [el('SHARED', 'YES')])]),
    };
  }

  hostName(i: number): string {
    return `host-${i}`;
  }

  snapshot(): Snapshot {
    const hosts: Host[] = this.use.map((u, id) => {
      const share = {
        totalCpu: this.maxCpu, totalMem: this.maxMem, maxCpu: this.maxCpu, maxMem: this.maxMem, cpuUsage: u.cpu, memUsage: u.mem,
        runningVms: u.vms, freeCpu: this.maxCpu - u.cpu, freeMem: this.maxMem - u.mem,
      };
      const xml = el('HOST', [
        el('ID', id), el('NAME', this.hostName(id)), el('STATE', 2), el('CLUSTER_ID', 0), el('CLUSTER', 'replay'),
        el('HOST_SHARE', [el('MEM_USAGE', u.mem), el('CPU_USAGE', u.cpu), el('TOTAL_MEM', this.maxMem), el('TOTAL_CPU', this.maxCpu),
          el('MAX_MEM', this.maxMem), el('MAX_CPU', this.maxCpu), el('RUNNING_VMS', u.vms)]),
        el('VMS', []), el('TEMPLATE', [el('HYPERVISOR', 'kvm')]),
        el('MONITORING', [el('CAPACITY', [el('FREE_CPU', this.maxCpu - u.cpu), el('FREE_MEMORY', this.maxMem - u.mem)])]),
      ]);
      return {
        id, name: this.hostName(id), state: 'MONITORED', clusterId: 0, clusterName: 'replay', imMad: 'kvm', vmMad: 'kvm', share,
        reservedCpu: '', reservedMem: '', vmIds: [], xml,
      };
    });
    return { hosts, clusters: [this.cluster], datastores: [this.datastore], vnets: [], vms: [] };
  }
}
