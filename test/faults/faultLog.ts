/**
 * Counts the faults injected, per kind. The simulator records VM states (boot failures, VMs
 * UNKNOWN) but keeps no count of the XML-RPC calls it failed, so those are counted where it
 * decides them: Faults.failure, observed (its answer is passed through unchanged).
 */
import { Faults } from '../../local/sim/faults';
import type { VmRecord } from '../../local/sim';

export class FaultLog {
  readonly counts = new Map<string, number>();

  add(kind: string, n = 1): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + n);
  }

  /** Counts every XML-RPC call the simulator fails (by mode) or slows, until the returned function is called. */
  watchSimulatorCalls(onCall: (method: string) => void = () => {}): () => void {
    const proto = Faults.prototype;
    const original = proto.failure;
    const log = this;
    proto.failure = function failure(this: Faults, method: string) {
      const mode = original.call(this, method);
      if (mode) log.add(`XML-RPC call ${mode}`);
      return mode;
    };
    const latency = proto.latencyMs;
    proto.latencyMs = function latencyMs(this: Faults, method: string) {
      onCall(method);
      const ms = latency.call(this, method);
      if (ms > 0) log.add('XML-RPC call slowed');
      return ms;
    };
    return () => { proto.failure = original; proto.latencyMs = latency; };
  }

  /** Boot failures and VMs left UNKNOWN by a host in ERROR, from the simulator's own VM records. */
  addFromVmRecords(vms: readonly VmRecord[]): void {
    const entered = (vm: VmRecord, lcm: string) => vm.log.filter((c, i) => c.lcmState === lcm && vm.log[i - 1]?.lcmState !== lcm).length;
    this.add('VM boot failure (BOOT_FAILURE)', vms.reduce((n, vm) => n + entered(vm, 'BOOT_FAILURE'), 0));
    this.add('VM UNKNOWN (host in ERROR)', vms.reduce((n, vm) => n + entered(vm, 'UNKNOWN'), 0));
  }

  get total(): number {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }
}
