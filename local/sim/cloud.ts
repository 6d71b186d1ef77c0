import { HOST_STATES, LCM_STATES, VM_STATES, type LcmStateName, type VmStateName } from '../../lib/sched/snapshot';
import { isVector, templateGet, type TemplateAttr } from '../../lib/one/template';
import type { Fixture, FixtureTemplate } from './fixture';

export const vmState = (name: VmStateName): number => VM_STATES.indexOf(name);
export const lcmState = (name: LcmStateName): number => LCM_STATES.indexOf(name);
export const hostState = (name: (typeof HOST_STATES)[number]): number => HOST_STATES.indexOf(name);

export interface SimUser { id: number; name: string; password: string; gid: number; group: string }

export interface SimCluster { id: number; name: string; template: TemplateAttr[] }

export interface SimHost {
  id: number;
  name: string;
  clusterId: number;
  imMad: string;
  vmMad: string;
  state: number;
  prevState: number;
  totalCpu: number;
  totalMem: number;
  template: TemplateAttr[];
  cpuUsage: number;
  memUsage: number;
  runningVms: number;
  vmIds: Set<number>;
  /** Highest CPU_USAGE / MEM_USAGE ever accounted, and whether they ever passed MAX_CPU / MAX_MEM. */
  peakCpu: number;
  peakMem: number;
  exceeded: { at: number; cpuUsage: number; memUsage: number; maxCpu: number; maxMem: number; vmId: number }[];
}

export interface SimDatastore {
  id: number;
  name: string;
  type: 'SYSTEM' | 'IMAGE' | 'FILE';
  clusterIds: number[];
  totalMb: number;
  baseUsedMb: number;
  dsMad: string;
  tmMad: string;
  template: TemplateAttr[];
  /** MB taken by VM disks (system DS) or images (image DS), by owner. */
  usage: Map<string, number>;
  imageIds: number[];
}

export interface SimLease { vnetId: number; arId: number; index: number; ip?: string; mac: string; vmId: number }

export interface SimAddressRange {
  id: number; type: string; ip?: string; mac: string; size: number;
  /** Where the next search for a free address starts (AddressRange's next_index): freed addresses are not reused at once. */
  nextIndex?: number;
}

export interface SimVnet {
  id: number;
  name: string;
  clusterIds: number[];
  bridge: string;
  vnMad: string;
  ars: SimAddressRange[];
  template: TemplateAttr[];
  /** Leased addresses by "arId:index". */
  leases: Map<string, SimLease>;
}

export interface SimImage { id: number; name: string; datastoreId: number; sizeMb: number; type: string; template: TemplateAttr[] }

export interface HistoryRecord {
  seq: number;
  hostname: string;
  hid: number;
  cid: number;
  stime: number;
  etime: number;
  vmMad: string;
  tmMad: string;
  dsId: number;
  pstime: number;
  petime: number;
  rstime: number;
  retime: number;
  estime: number;
  eetime: number;
  /** VMActions number of the action that closed this record (0 while open). */
  action: number;
  uid: number;
  gid: number;
  reqId: number;
}

export interface SchedAction {
  id: number;
  action: string;
  args: string;
  /** Raw TIME as given ("1700000000" or "+3600"). */
  time: string;
  /** Epoch seconds it fires at. */
  at: number;
  done: number;
  message: string;
}

/** What the tests read back: every state a VM went through, with the time (ms since epoch). */
export interface StateChange { readonly at: number; readonly state: VmStateName; readonly lcmState: LcmStateName; readonly hostId?: number }

export interface SimVm {
  id: number;
  name: string;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  state: number;
  lcm: number;
  prevState: number;
  prevLcm: number;
  resched: boolean;
  stime: number;
  etime: number;
  deployId: string;
  template: TemplateAttr[];
  userTemplate: TemplateAttr[];
  history: HistoryRecord[];
  schedActions: SchedAction[];
  /** HostShareCapacity as oned computes it: CPU×100 truncated, MEMORY×1024 KB. */
  cpu: number;
  mem: number;
  /** MB the VM takes in its system datastore while it exists there. */
  systemDiskMb: number;
  /** Hosts whose HOST_SHARE currently counts this VM (two while migrating). */
  accountedOn: Set<number>;
  /** Set when `resume` put a STOPPED/UNDEPLOYED VM back to PENDING: the next deploy restores it. */
  resumeFrom?: 'STOPPED' | 'UNDEPLOYED';
  /** Last history action, as VirtualMachine::get_action() (STOP/UNDEPLOY matter to deploy). */
  lastAction: number;
  jobId?: string;
  /** Clusters the VM may run in (from its images and networks); empty means any. */
  clusterIds: number[];
  log: StateChange[];
  /** Intervals (ms since epoch) during which a host's HOST_SHARE counted the VM. */
  placements: Placement[];
}

export interface Placement { readonly hostId: number; readonly from: number; to?: number }

/** VMActions numbers (include/VMActions.h) used in history records. */
export const VM_ACTION = {
  NONE: 0, MIGRATE: 1, LIVE_MIGRATE: 2, UNDEPLOY: 5, UNDEPLOY_HARD: 6, HOLD: 7, RELEASE: 8, STOP: 9,
  SUSPEND: 10, RESUME: 11, DELETE: 13, RESCHED: 17, UNRESCHED: 18, POWEROFF: 19, POWEROFF_HARD: 20,
  TERMINATE: 27, TERMINATE_HARD: 28, DEPLOY: 30,
} as const;

function toAttrs(t: FixtureTemplate | undefined): TemplateAttr[] {
  const out: TemplateAttr[] = [];
  for (const [name, raw] of Object.entries(t ?? {})) {
    for (const v of Array.isArray(raw) ? raw : [raw]) {
      if (typeof v === 'object') out.push({ name, vector: Object.entries(v).map(([k, x]) => ({ name: k, value: String(x) })) });
      else out.push({ name, value: String(v) });
    }
  }
  return out;
}

/** Sets (or adds) a single attribute. */
export function setAttr(attrs: TemplateAttr[], name: string, value: string): void {
  const i = attrs.findIndex((a) => a.name === name && !isVector(a));
  if (i >= 0) attrs[i] = { name, value };
  else attrs.push({ name, value });
}

const ipToInt = (ip: string): number => ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
const intToIp = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
const macToInt = (mac: string): number => parseInt(mac.replaceAll(':', ''), 16);
const intToMac = (n: number): string => n.toString(16).padStart(12, '0').match(/../g)!.join(':');

export function leaseAddress(ar: SimAddressRange, index: number): { ip?: string; mac: string } {
  return {
    ip: ar.ip ? intToIp(ipToInt(ar.ip) + index) : undefined,
    mac: intToMac(macToInt(ar.mac) + index),
  };
}

/**
 * MAX_CPU / MAX_MEM from TOTAL and a reserved value as HostShare.cc set_reserved_metric does:
 * empty → total; "N%" → total × (1 − N/100) truncated; "N" → total − N; anything that is not an
 * integer (istringstream >> long long with nothing left over) → total. Negative reserves overcommit.
 */
export function applyReserved(total: number, reserved: string): number {
  let r = reserved;
  if (r === '') return total;
  if (/\s$/.test(r)) r = r.trim();
  const percent = r.endsWith('%');
  if (percent) r = r.slice(0, -1);
  if (!/^\s*[+-]?\d+$/.test(r)) return total;
  const value = Number(r);
  return percent ? Math.trunc(total * (1 - value / 100)) : total - value;
}

export class Cloud {
  readonly version: string;
  readonly listOrder: 'ASC' | 'DESC';
  readonly users: SimUser[];
  readonly clusters = new Map<number, SimCluster>();
  readonly hosts = new Map<number, SimHost>();
  readonly datastores = new Map<number, SimDatastore>();
  readonly vnets = new Map<number, SimVnet>();
  readonly images = new Map<number, SimImage>();
  readonly vms = new Map<number, SimVm>();
  nextVmId = 0;
  nextSchedActionId = 0;
  /** oned.conf ONEGATE_ENDPOINT: set when the simulator runs OneGate; CONTEXT/TOKEN needs it. */
  oneGateEndpoint?: string;

  constructor(fixture: Fixture, private readonly clock: () => number = Date.now) {
    this.version = fixture.version ?? '7.0.0';
    this.listOrder = fixture.listOrder ?? 'DESC';
    this.users = (fixture.users ?? [{ id: 0, name: 'oneadmin', password: 'opennebula' }]).map((u) => ({
      id: u.id, name: u.name, password: u.password, gid: u.gid ?? 0, group: u.group ?? 'oneadmin',
    }));
    for (const c of fixture.clusters) {
      const template = toAttrs(c.template);
      // oned creates every cluster with both reservation attributes, empty by default.
      if (templateGet(template, 'RESERVED_CPU') === undefined) template.push({ name: 'RESERVED_CPU', value: '' });
      if (templateGet(template, 'RESERVED_MEM') === undefined) template.push({ name: 'RESERVED_MEM', value: '' });
      this.clusters.set(c.id, { id: c.id, name: c.name, template });
    }
    for (const h of fixture.hosts) {
      const template = toAttrs(h.template);
      if (templateGet(template, 'RESERVED_CPU') === undefined) template.push({ name: 'RESERVED_CPU', value: '' });
      if (templateGet(template, 'RESERVED_MEM') === undefined) template.push({ name: 'RESERVED_MEM', value: '' });
      const state = hostState(h.state ?? 'MONITORED');
      this.hosts.set(h.id, {
        id: h.id, name: h.name, clusterId: h.cluster, imMad: h.imMad ?? 'kvm', vmMad: h.vmMad ?? 'kvm',
        state, prevState: state, totalCpu: h.totalCpu, totalMem: h.totalMem, template,
        cpuUsage: 0, memUsage: 0, runningVms: 0, vmIds: new Set(), peakCpu: 0, peakMem: 0, exceeded: [],
      });
    }
    for (const d of fixture.datastores) {
      const template = toAttrs(d.template);
      // As oned writes them: a system datastore's template has no DS_MAD, and only it says SHARED (TM_MAD_CONF).
      if (d.type !== 'SYSTEM') setAttr(template, 'DS_MAD', d.dsMad ?? 'fs');
      setAttr(template, 'TM_MAD', d.tmMad ?? 'ssh');
      setAttr(template, 'TYPE', `${d.type}_DS`);
      if (d.type === 'SYSTEM') setAttr(template, 'SHARED', (d.shared ?? templateGet(template, 'SHARED') === 'YES') ? 'YES' : 'NO');
      this.datastores.set(d.id, {
        id: d.id, name: d.name, type: d.type, clusterIds: [...d.clusters], totalMb: d.totalMb, baseUsedMb: d.usedMb ?? 0,
        dsMad: d.dsMad ?? (d.type === 'SYSTEM' ? '-' : 'fs'), tmMad: d.tmMad ?? 'ssh', template, usage: new Map(), imageIds: [],
      });
    }
    for (const v of fixture.vnets) {
      const ars = v.ars.map((a, i) => ({
        id: i, type: a.type ?? (a.ip ? 'IP4' : 'ETHER'), ip: a.ip,
        mac: a.mac ?? `02:00:${(a.ip ?? '0.0.0.0').split('.').map((p) => Number(p).toString(16).padStart(2, '0')).join(':')}`,
        size: a.size,
      }));
      const template = toAttrs(v.template);
      const vnet: SimVnet = {
        id: v.id, name: v.name, clusterIds: [...v.clusters], bridge: v.bridge ?? `br${v.id}`, vnMad: v.vnMad ?? 'bridge',
        ars, template, leases: new Map(),
      };
      // Leases held outside the simulator at start, taken from the first addresses.
      for (let i = 0; i < (v.usedLeases ?? 0); i += 1) this.takeLease(vnet, -1);
      this.vnets.set(v.id, vnet);
    }
    for (const i of fixture.images ?? []) {
      this.images.set(i.id, {
        id: i.id, name: i.name, datastoreId: i.datastore, sizeMb: i.sizeMb, type: i.type ?? 'OS', template: toAttrs(i.template),
      });
      const ds = this.datastores.get(i.datastore)!;
      ds.imageIds.push(i.id);
      ds.usage.set(`image:${i.id}`, i.sizeMb);
    }
  }

  /** Seconds since epoch, as every OpenNebula time field. */
  now(): number {
    return Math.floor(this.clock() / 1000);
  }

  nowMs(): number {
    return this.clock();
  }

  hostMax(host: SimHost): { maxCpu: number; maxMem: number } {
    // A host's own reservation wins over its cluster's (Host::reserved_capacity).
    const cluster = this.clusters.get(host.clusterId);
    const pick = (name: string) => {
      const own = templateGet(host.template, name) ?? '';
      return own !== '' ? own : (cluster ? templateGet(cluster.template, name) ?? '' : '');
    };
    return { maxCpu: applyReserved(host.totalCpu, pick('RESERVED_CPU')), maxMem: applyReserved(host.totalMem, pick('RESERVED_MEM')) };
  }

  /** HostShare::add: the VM now counts on the host. */
  addCapacity(hostId: number, vm: SimVm): void {
    const host = this.hosts.get(hostId);
    if (!host || vm.accountedOn.has(hostId)) return;
    vm.accountedOn.add(hostId);
    vm.placements.push({ hostId, from: this.nowMs() });
    host.cpuUsage += vm.cpu;
    host.memUsage += vm.mem;
    host.runningVms += 1;
    host.vmIds.add(vm.id);
    host.peakCpu = Math.max(host.peakCpu, host.cpuUsage);
    host.peakMem = Math.max(host.peakMem, host.memUsage);
    const { maxCpu, maxMem } = this.hostMax(host);
    if (host.cpuUsage > maxCpu || host.memUsage > maxMem) {
      host.exceeded.push({ at: this.nowMs(), cpuUsage: host.cpuUsage, memUsage: host.memUsage, maxCpu, maxMem, vmId: vm.id });
    }
  }

  /** HostShare::del. */
  delCapacity(hostId: number, vm: SimVm): void {
    const host = this.hosts.get(hostId);
    if (!host || !vm.accountedOn.delete(hostId)) return;
    for (const p of vm.placements) if (p.hostId === hostId && p.to === undefined) p.to = this.nowMs();
    host.cpuUsage -= vm.cpu;
    host.memUsage -= vm.mem;
    host.runningVms -= 1;
    host.vmIds.delete(vm.id);
  }

  dsFreeMb(ds: SimDatastore): number {
    return ds.totalMb - this.dsUsedMb(ds);
  }

  dsUsedMb(ds: SimDatastore): number {
    let used = ds.baseUsedMb;
    for (const mb of ds.usage.values()) used += mb;
    return used;
  }

  /**
   * The next free address of the network from where the range's last search ended (oned's
   * AddressRange::allocate_addr walks on from next_index, wrapping round), or undefined when
   * every address range is full.
   */
  takeLease(vnet: SimVnet, vmId: number): SimLease | undefined {
    for (const ar of vnet.ars) {
      const start = ar.nextIndex ?? 0;
      for (let n = 0; n < ar.size; n += 1) {
        const index = (start + n) % ar.size;
        const key = `${ar.id}:${index}`;
        if (vnet.leases.has(key)) continue;
        const lease: SimLease = { vnetId: vnet.id, arId: ar.id, index, ...leaseAddress(ar, index), vmId };
        vnet.leases.set(key, lease);
        ar.nextIndex = (index + 1) % ar.size;
        return lease;
      }
    }
    return undefined;
  }

  releaseLeases(vmId: number): void {
    for (const vnet of this.vnets.values()) {
      for (const [key, lease] of vnet.leases) if (lease.vmId === vmId) vnet.leases.delete(key);
    }
  }

  /** Sets STATE/LCM_STATE keeping PREV_* and the state log the tests read. */
  setState(vm: SimVm, state: VmStateName, lcm: LcmStateName = 'LCM_INIT'): void {
    vm.prevState = vm.state;
    vm.prevLcm = vm.lcm;
    vm.state = vmState(state);
    vm.lcm = lcmState(lcm);
    const last = vm.history[vm.history.length - 1];
    vm.log.push({ at: this.nowMs(), state, lcmState: lcm, hostId: state === 'ACTIVE' || state === 'SUSPENDED' || state === 'POWEROFF' ? last?.hid : undefined });
  }

  user(name: string): SimUser | undefined {
    return this.users.find((u) => u.name === name);
  }
}
