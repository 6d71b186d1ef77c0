/**
 * What the plan has promised so far: host, datastore, network and image datastore usage as
 * the snapshot reported it plus every action already in the plan. Capacity promised by an
 * earlier action counts for every later one.
 *
 * Suspended VMs: OpenNebula keeps a suspended VM's CPU and memory booked on its host
 * (`held` here) although the host does not run it. That room is kept for the VM's own resume,
 * except for the prod job that suspends it: that job runs in it (deployed with enforce=false,
 * since OpenNebula still books the suspended VM), and the suspended VM resumes once the
 * physical room (MAX − USAGE + held) is back.
 */
import type { Cluster, Datastore, Host, Vnet } from './snapshot';
import { datastoreFree, hostCapacity, hostLocalDsFree } from './capacity';

export interface HostBook {
  readonly host: Host;
  readonly maxCpu: number;
  readonly maxMem: number;
  cpuUsage: number;
  memUsage: number;
  cpuHeld: number;
  memHeld: number;
  runningVms: number;
  dispatched: number;
  /** Bumped on every change, so values derived from the host (dynamic ranks) know when to recompute. */
  version: number;
  readonly baseCpuUsage: number;
  readonly baseMemUsage: number;
  readonly baseRunningVms: number;
  localDs?: Map<number, number>;
  localDsFallback?: number;
  /** VMs (OpenNebula ids) placed on the host by this plan: CURRENT_VMS sees them (HostXML::dispatched_vms). */
  placedVmIds?: number[];
}

export interface DatastoreBook {
  readonly ds: Datastore;
  freeMb: number;
  readonly monitored: boolean;
  readonly baseFreeMb: number;
}

export interface VnetBook {
  readonly vnet: Vnet;
  freeLeases: number;
  usedLeases: number;
}

export type HostListener = (hostIndex: number) => void;

export class Ledger {
  readonly hosts: HostBook[];
  readonly hostIndexById = new Map<number, number>();
  readonly datastores = new Map<number, DatastoreBook>();
  readonly vnets = new Map<number, VnetBook>();
  private readonly listeners: HostListener[] = [];
  /** Where this plan placed each VM (OpenNebula id): host index and system datastore. */
  readonly placedVms = new Map<number, { readonly hostIndex: number; readonly datastoreId: number }>();

  constructor(hosts: readonly Host[], clusters: readonly Cluster[], datastores: readonly Datastore[], vnets: readonly Vnet[], applyReserved: boolean) {
    const clusterById = new Map(clusters.map((c) => [c.id, c]));
    this.hosts = hosts.map((host, i) => {
      this.hostIndexById.set(host.id, i);
      const cap = hostCapacity(host, clusterById.get(host.clusterId), applyReserved);
      return {
        host, maxCpu: cap.maxCpu, maxMem: cap.maxMem,
        cpuUsage: host.share.cpuUsage, memUsage: host.share.memUsage, cpuHeld: 0, memHeld: 0,
        runningVms: host.share.runningVms, dispatched: 0, version: 0,
        baseCpuUsage: host.share.cpuUsage, baseMemUsage: host.share.memUsage, baseRunningVms: host.share.runningVms,
      };
    });
    for (const ds of datastores) {
      const f = datastoreFree(ds);
      this.datastores.set(ds.id, { ds, freeMb: f.freeMb, monitored: f.monitored, baseFreeMb: f.freeMb });
    }
    for (const vnet of vnets) this.vnets.set(vnet.id, { vnet, freeLeases: vnet.size - vnet.usedLeases, usedLeases: vnet.usedLeases });
  }

  onHostChange(listener: HostListener): void {
    this.listeners.push(listener);
  }

  /**
   * Room for new VMs on a host: MAX − USAGE, as OpenNebula books it. The room of a suspended VM
   * stays its own (it resumes there); only the prod job that suspends it in this plan uses it.
   */
  freeCpu(i: number): number {
    const b = this.hosts[i];
    return b.maxCpu - b.cpuUsage;
  }

  freeMem(i: number): number {
    const b = this.hosts[i];
    return b.maxMem - b.memUsage;
  }

  /** Room physically idle: booked room plus what suspended VMs hold. */
  physicalFreeCpu(i: number): number {
    const b = this.hosts[i];
    return b.maxCpu - b.cpuUsage + b.cpuHeld;
  }

  physicalFreeMem(i: number): number {
    const b = this.hosts[i];
    return b.maxMem - b.memUsage + b.memHeld;
  }

  /** Whether cpu/mem fit without counting suspended VMs' room (what OpenNebula's enforce checks). */
  fitsBooked(i: number, cpu: number, mem: number): boolean {
    const b = this.hosts[i];
    return b.maxCpu - b.cpuUsage >= cpu && b.maxMem - b.memUsage >= mem;
  }

  /** A VM starts on the host: booked, counted, dispatched. */
  add(i: number, cpu: number, mem: number, dispatch = true): void {
    const b = this.hosts[i];
    b.cpuUsage += cpu;
    b.memUsage += mem;
    b.runningVms++;
    if (dispatch) b.dispatched++;
    this.changed(i);
  }

  /** A VM placed on the host by this plan, by its OpenNebula id. */
  notePlacedVm(i: number, vmId: number, datastoreId = -1): void {
    (this.hosts[i].placedVmIds ??= []).push(vmId);
    this.placedVms.set(vmId, { hostIndex: i, datastoreId });
  }

  /** A VM leaves the host (stopped, undeployed, terminated). */
  release(i: number, cpu: number, mem: number): void {
    const b = this.hosts[i];
    b.cpuUsage -= cpu;
    b.memUsage -= mem;
    b.runningVms--;
    this.changed(i);
  }

  /** A VM is suspended: still booked (and counted in RUNNING_VMS by oned), no longer using the host. */
  hold(i: number, cpu: number, mem: number): void {
    const b = this.hosts[i];
    b.cpuHeld += cpu;
    b.memHeld += mem;
    this.changed(i);
  }

  /** A suspended VM resumes on its host. */
  unhold(i: number, cpu: number, mem: number): void {
    const b = this.hosts[i];
    b.cpuHeld -= cpu;
    b.memHeld -= mem;
    b.dispatched++;
    this.changed(i);
  }

  /** A suspended VM is terminated: its booking goes. */
  forgetHeld(i: number, cpu: number, mem: number): void {
    const b = this.hosts[i];
    b.cpuHeld -= cpu;
    b.memHeld -= mem;
    b.cpuUsage -= cpu;
    b.memUsage -= mem;
    b.runningVms--;
    this.changed(i);
  }

  /** Free MB of a host-local system datastore on one host. */
  localDsFree(i: number, dsId: number): number {
    const b = this.hosts[i];
    if (!b.localDs) {
      const f = hostLocalDsFree(b.host);
      b.localDs = new Map(f.byDs);
      b.localDsFallback = f.fallback;
    }
    return b.localDs.get(dsId) ?? b.localDsFallback ?? 0;
  }

  useLocalDs(i: number, dsId: number, mb: number): void {
    const free = this.localDsFree(i, dsId);
    this.hosts[i].localDs!.set(dsId, free - mb);
  }

  useDatastore(dsId: number, mb: number): void {
    const d = this.datastores.get(dsId);
    if (d) d.freeMb -= mb;
  }

  useLease(vnetId: number): void {
    const v = this.vnets.get(vnetId);
    if (v) {
      v.freeLeases--;
      v.usedLeases++;
    }
  }

  private changed(i: number): void {
    this.hosts[i].version++;
    for (const l of this.listeners) l(i);
  }
}
