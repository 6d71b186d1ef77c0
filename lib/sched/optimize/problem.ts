/**
 * One cluster as the optimiser sees it: its hosts (by ascending id), the VMs they account
 * for (by ascending id), each VM's load on every balance metric, the room on each host, and
 * which VMs may go where.
 *
 * Who may move (one_drs: the RUNNING VMs of the cluster): ACTIVE/RUNNING, not flagged RESCHED
 * (the tick re-schedules those), not left alone by the caller, with a known system datastore.
 * Every other VM on the cluster's hosts (SUSPENDED, POWEROFF, migrating, left alone...) stays
 * and still loads its host.
 *
 * Where it may go: a host of the same cluster that the placer would schedule on (MONITORED),
 * that its SCHED_REQUIREMENTS combined with AUTOMATIC_REQUIREMENTS accept (evaluated once per
 * distinct expression and host), that could hold it at all (MAX_CPU/MAX_MEM, as one_drs's
 * "total" capacity check), within the caller's candidate hosts, and, for a host-local system
 * datastore, with room for its cloned disks there.
 */
import { ExprCache, OVER_BUDGET, combineRequirements } from '../exprCache';
import { cpuShare, memoryKb } from '../capacity';
import { hostLookup } from '../expr';
import { Ledger } from '../ledger';
import { SCHEDULABLE, type Cluster, type Datastore, type Host, type Snapshot, type Vm } from '../snapshot';
import { readFloat, textAt } from '../xmlPath';
import type { ClusterSettings } from './settings';
import type { Metric, OptimizeOptions } from './types';

/** VM states oned keeps booked on their host. */
const BOOKED = new Set<Vm['state']>(['ACTIVE', 'SUSPENDED', 'POWEROFF']);

export interface ProblemVm {
  readonly vm: Vm;
  /** Host index where it is now. */
  readonly home: number;
  readonly movable: boolean;
  /** OpenNebula units: CPU×100, KB. */
  readonly cpu: number;
  readonly mem: number;
  /** Its system datastore is host-local (not shared): a move copies its cloned disks there. */
  readonly hostLocalDs: boolean;
  /** MB its move takes on a host-local system datastore (its cloned disks). */
  readonly localDisk: number;
  /** Raw metric values, in the order of `Problem.metrics`. */
  readonly metrics: Float64Array;
  /** Index of its requirement group (-1: the expression does not compile; the VM stays). */
  readonly group: number;
}

export interface Problem {
  readonly clusterId: number;
  readonly hosts: readonly Host[];
  readonly vms: readonly ProblemVm[];
  readonly metrics: readonly Metric[];
  /** Denominator of each host's load on each metric (host h, metric m at h·M + m). */
  readonly totals: Float64Array;
  /** Room MAX − USAGE as OpenNebula books it, before this plan. */
  readonly freeCpu: Float64Array;
  readonly freeMem: Float64Array;
  readonly maxCpu: Float64Array;
  readonly maxMem: Float64Array;
  readonly schedulable: Uint8Array;
  /**
   * Hosts the objective looks at: those the placer schedules on and those holding a VM that
   * may move (one_drs's model holds the hosts some VM of the request may use).
   */
  readonly counted: Uint8Array;
  /** Host-local free MB for each movable VM's system datastore on each host, when it is host-local. */
  localFree(h: number, dsId: number): number;
  /** Whether VM v may go to host h at all (everything but the plan's own bookings). */
  allowed(v: number, h: number): boolean;
  /** one_drs's `_max_n_migr_vms`: the number of (VM, other allowed host) pairs. */
  readonly pairs: number;
  /** Sentences about VMs that cannot move for a reason the operator can fix. */
  readonly notes: readonly string[];
}

export function buildProblem(snapshot: Snapshot, cluster: Cluster | undefined, clusterId: number, settings: ClusterSettings, options: OptimizeOptions, exprs: ExprCache): Problem {
  const hosts = snapshot.hosts.filter((h) => h.clusterId === clusterId).sort((a, b) => a.id - b.id);
  const H = hosts.length;
  const M = settings.metrics.length;
  const hostIndex = new Map(hosts.map((h, i) => [h.id, i]));
  const ledger = new Ledger(hosts, cluster ? [cluster] : [], [], [], options.applyReserved ?? false);
  const datastores = new Map<number, Datastore>(snapshot.datastores.map((d) => [d.id, d]));
  const leave = new Set(options.leaveAlone ?? []);
  const notes: string[] = [];

  const freeCpu = new Float64Array(H);
  const freeMem = new Float64Array(H);
  const maxCpu = new Float64Array(H);
  const maxMem = new Float64Array(H);
  const schedulable = new Uint8Array(H);
  for (let h = 0; h < H; h++) {
    freeCpu[h] = ledger.freeCpu(h);
    freeMem[h] = ledger.freeMem(h);
    maxCpu[h] = ledger.hosts[h]!.maxCpu;
    maxMem[h] = ledger.hosts[h]!.maxMem;
    schedulable[h] = SCHEDULABLE.has(hosts[h]!.state) ? 1 : 0;
  }

  // Requirement groups: each distinct expression tested once per host.
  const lookups: (ReturnType<typeof hostLookup> | undefined)[] = new Array(H);
  const lookup = (h: number) => (lookups[h] ??= hostLookup(hosts[h]!));
  const groupOf = new Map<string, number>();
  const masks: Uint8Array[] = [];
  const broken = new Map<string, { error: string; vms: number[] }>();
  const groupFor = (vm: Vm): number => {
    const source = combineRequirements(vm.automaticRequirements, vm.schedRequirements);
    let g = groupOf.get(source);
    if (g === -1) broken.get(source)!.vms.push(vm.id);
    if (g !== undefined) return g;
    const compiled = exprs.requirement(source);
    const mask = new Uint8Array(H);
    // A requirement that runs out of steps leaves its VMs where they are, like one that does not compile.
    const tested = compiled.ok && exprs.evaluate(source, (meter) => {
      for (let h = 0; h < H; h++) if (schedulable[h] && compiled.expr.test(lookup(h), meter)) mask[h] = 1;
    });
    if (!compiled.ok || tested === OVER_BUDGET) {
      g = -1;
      broken.set(source, { error: compiled.ok ? `took too long to evaluate (more than ${exprs.stepLimit} steps)` : `do not parse (${compiled.error})`, vms: [vm.id] });
    } else {
      g = masks.length;
      masks.push(mask);
    }
    groupOf.set(source, g);
    return g;
  };

  const vms: ProblemVm[] = [];
  const sorted = snapshot.vms.filter((v) => v.hostId !== undefined && hostIndex.has(v.hostId) && BOOKED.has(v.state)).sort((a, b) => a.id - b.id);
  for (const vm of sorted) {
    const home = hostIndex.get(vm.hostId!)!;
    const ds = vm.datastoreId !== undefined ? datastores.get(vm.datastoreId) : undefined;
    const running = vm.state === 'ACTIVE' && vm.lcmState === 'RUNNING' && !vm.resched && !leave.has(vm.id);
    const group = running ? groupFor(vm) : -1;
    vms.push({
      vm, home, movable: running && group >= 0 && vm.datastoreId !== undefined,
      cpu: cpuShare(vm.cpu), mem: memoryKb(vm.memoryMb),
      hostLocalDs: ds !== undefined && !ds.shared,
      localDisk: ds && !ds.shared ? vm.disks.filter((d) => d.clone).reduce((s, d) => s + d.sizeMb, 0) : 0,
      metrics: metricValues(vm, settings.metrics, settings.predictive),
      group,
    });
  }

  for (const [source, b] of broken) {
    notes.push(`VM${b.vms.length > 1 ? 's' : ''} ${b.vms.join(', ')} stay${b.vms.length > 1 ? '' : 's'}: requirements "${source}" ${b.error}`);
  }

  const counted = Uint8Array.from(schedulable);
  for (const p of vms) if (p.movable) counted[p.home] = 1;
  const totals = metricTotals(hosts, vms, settings.metrics, maxCpu, maxMem);
  const candidateSets = new Map<number, ReadonlySet<number>>();
  /** Its requirements accept h, and h could hold it at all. */
  const fits = (p: ProblemVm, h: number) => masks[p.group]![h] === 1 && maxCpu[h]! >= p.cpu && maxMem[h]! >= p.mem;
  const allowedHere = (v: number, h: number): boolean => {
    const p = vms[v]!;
    if (!p.movable || h === p.home || !fits(p, h)) return false;
    if (options.candidateHosts) {
      let set = candidateSets.get(p.vm.id);
      if (!set) {
        set = new Set(options.candidateHosts.get(p.vm.id) ?? []);
        candidateSets.set(p.vm.id, set);
      }
      if (!set.has(hosts[h]!.id)) return false;
    }
    return true;
  };

  const localFree = (h: number, dsId: number) => ledger.localDsFree(h, dsId);
  let pairs = 0;
  // Pairs counted once per (requirement group, size) class, less the VM's own host: thousands
  // of VMs share few classes.
  const classCount = new Map<string, number>();
  vms.forEach((p, v) => {
    if (!p.movable) return;
    if (options.candidateHosts) {
      for (let h = 0; h < H; h++) if (allowedHere(v, h)) pairs++;
      return;
    }
    const key = `${p.group}/${p.cpu}/${p.mem}`;
    let n = classCount.get(key);
    if (n === undefined) {
      n = 0;
      for (let h = 0; h < H; h++) if (fits(p, h)) n++;
      classCount.set(key, n);
    }
    pairs += n - (fits(p, p.home) ? 1 : 0);
  });
  return { clusterId, hosts, vms, metrics: settings.metrics, totals, freeCpu, freeMem, maxCpu, maxMem, schedulable, counted, localFree, allowed: allowedHere, pairs, notes };
}

/**
 * A VM's raw value on each metric, in one_drs's units: CPU_USAGE is MONITORING/CPU / 100 (blended
 * with CPU_FORECAST by PREDICTIVE when a forecast is there), CPU is TEMPLATE/CPU, MEMORY is
 * TEMPLATE/MEMORY (MB). DISK and NET (which one_drs.conf names but one_drs does not use) are
 * bytes read+written and received+sent.
 */
function metricValues(vm: Vm, metrics: readonly Metric[], predictive: number): Float64Array {
  const out = new Float64Array(metrics.length);
  const mon = (name: string) => readFloat(textAt(vm.xml, `MONITORING/${name}`), 0);
  metrics.forEach((m, i) => {
    switch (m) {
      case 'cpuUsage': {
        const current = mon('CPU');
        const forecast = mon('CPU_FORECAST');
        // one_drs means to blend when PREDICTIVE > 0 and a forecast exists (its parser reads the
        // factor under a misspelt key, so in OpenNebula it never does).
        // one_drs divides the monitored CPU (percent of one CPU) by 100 before weighing it
        // (optimizer_parser.py `_parse_vm_requirements`), so a load is CPU/MAX_CPU, a fraction
        // like MEMORY's, and the two weigh together as they do there.
        out[i] = (predictive > 0 && forecast > 0 ? current * (1 - predictive) + forecast * predictive : current) / 100;
        break;
      }
      case 'cpu': out[i] = vm.cpu; break;
      case 'memory': out[i] = vm.memoryMb; break;
      case 'disk': out[i] = mon('DISKRDBYTES') + mon('DISKWRBYTES'); break;
      case 'net': out[i] = mon('NETRX') + mon('NETTX'); break;
    }
  });
  return out;
}

/**
 * The denominators, as one_drs divides (optimizer_parser.py `_parse_host_capacities`): CPU and
 * CPU_USAGE by MAX_CPU/100, MEMORY by MAX_MEM/1000 (its units, kept: MB over KB/1000). DISK and
 * NET have no host capacity: a host's load is its share of the cluster's total.
 */
function metricTotals(hosts: readonly Host[], vms: readonly ProblemVm[], metrics: readonly Metric[], maxCpu: Float64Array, maxMem: Float64Array): Float64Array {
  const M = metrics.length;
  const totals = new Float64Array(hosts.length * M);
  const clusterSum = new Float64Array(M);
  for (const p of vms) for (let m = 0; m < M; m++) clusterSum[m]! += p.metrics[m]!;
  for (let h = 0; h < hosts.length; h++) {
    metrics.forEach((metric, m) => {
      totals[h * M + m] = metric === 'memory' ? maxMem[h]! / 1000 : metric === 'disk' || metric === 'net' ? clusterSum[m]! : maxCpu[h]! / 100;
    });
  }
  return totals;
}
