import { LCM_STATES, VM_STATES } from '../../lib/sched/snapshot';
import type { Cloud, Placement, StateChange } from './cloud';
import type { GuestRun } from './guest';

export interface VmRecord {
  readonly id: number;
  readonly name: string;
  readonly jobId?: string;
  readonly state: string;
  readonly lcmState: string;
  readonly hostId?: number;
  readonly log: readonly StateChange[];
  readonly placements: readonly Placement[];
}

export interface HostRecord {
  readonly id: number;
  readonly name: string;
  readonly state: number;
  readonly cpuUsage: number;
  readonly memUsage: number;
  readonly runningVms: number;
  readonly maxCpu: number;
  readonly maxMem: number;
  readonly peakCpu: number;
  readonly peakMem: number;
  readonly exceeded: readonly { at: number; cpuUsage: number; memUsage: number; maxCpu: number; maxMem: number; vmId: number }[];
}

export interface JobOverlap {
  readonly jobId: string;
  readonly vmIds: readonly [number, number];
  /** When the second VM started while the first was still there (ms since epoch). */
  readonly at: number;
}

/** Read-only view of the simulator's own records, for tests that judge outcomes. */
export class SimState {
  constructor(private readonly cloud: Cloud, private readonly runs: () => readonly GuestRun[]) {}

  vms(): VmRecord[] {
    return [...this.cloud.vms.values()].map((vm) => ({
      id: vm.id, name: vm.name, jobId: vm.jobId, state: VM_STATES[vm.state], lcmState: LCM_STATES[vm.lcm],
      hostId: vm.history[vm.history.length - 1]?.hid, log: [...vm.log], placements: vm.placements.map((p) => ({ ...p })),
    }));
  }

  vm(id: number): VmRecord | undefined {
    return this.vms().find((v) => v.id === id);
  }

  hosts(): HostRecord[] {
    return [...this.cloud.hosts.values()].map((h) => ({
      id: h.id, name: h.name, state: h.state, cpuUsage: h.cpuUsage, memUsage: h.memUsage, runningVms: h.runningVms,
      ...this.cloud.hostMax(h), peakCpu: h.peakCpu, peakMem: h.peakMem, exceeded: [...h.exceeded],
    }));
  }

  /** Every moment a host's CPU_USAGE or MEM_USAGE went past its MAX_CPU / MAX_MEM. */
  capacityViolations(): (HostRecord['exceeded'][number] & { hostId: number })[] {
    return this.hosts().flatMap((h) => h.exceeded.map((e) => ({ ...e, hostId: h.id })));
  }

  /**
   * Pairs of VMs of one job alive at the same time. `running`: both in ACTIVE/RUNNING at once;
   * `placed`: both counted on a host at once (from deploy until they leave the host).
   */
  jobOverlaps(kind: 'running' | 'placed' = 'running'): JobOverlap[] {
    const intervals = new Map<string, { vmId: number; from: number; to: number }[]>();
    const now = this.cloud.nowMs();
    for (const vm of this.cloud.vms.values()) {
      if (!vm.jobId) continue;
      const list = intervals.get(vm.jobId) ?? [];
      if (kind === 'placed') {
        for (const p of vm.placements) list.push({ vmId: vm.id, from: p.from, to: p.to ?? now });
      } else {
        let from: number | undefined;
        for (const c of vm.log) {
          const running = c.state === 'ACTIVE' && c.lcmState === 'RUNNING';
          if (running && from === undefined) from = c.at;
          if (!running && from !== undefined) { list.push({ vmId: vm.id, from, to: c.at }); from = undefined; }
        }
        if (from !== undefined) list.push({ vmId: vm.id, from, to: now });
      }
      intervals.set(vm.jobId, list);
    }
    const out: JobOverlap[] = [];
    for (const [jobId, list] of intervals) {
      for (let i = 0; i < list.length; i += 1) {
        for (let j = i + 1; j < list.length; j += 1) {
          const a = list[i];
          const b = list[j];
          if (a.vmId !== b.vmId && a.from < b.to && b.from < a.to) out.push({ jobId, vmIds: [a.vmId, b.vmId], at: Math.max(a.from, b.from) });
        }
      }
    }
    return out;
  }

  /** Start-script processes the simulator ran (one per boot). */
  guestRuns(): readonly GuestRun[] {
    return this.runs();
  }
}
