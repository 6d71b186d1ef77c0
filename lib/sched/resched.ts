/**
 * Re-scheduling: VMs flagged `resched` (onevm resched) that are running, unknown or powered
 * off (VirtualMachinePoolXML's selection) become queue entries whose answer is a migrate
 * action to another host, keeping their system datastore.
 */
import type { Snapshot } from './snapshot';
import type { QueuedJob, RunningJob } from './contract';

export function reschedEntries(snapshot: Snapshot, queue: readonly QueuedJob[], running: readonly RunningJob[]): QueuedJob[] {
  const queued = new Set(queue.map((j) => j.vmId).filter((v) => v !== undefined));
  const jobByVm = new Map(running.map((r) => [r.vmId, r]));
  const out: QueuedJob[] = [];
  for (const vm of snapshot.vms) {
    if (!vm.resched || queued.has(vm.id) || vm.hostId === undefined || vm.datastoreId === undefined) continue;
    const active = vm.state === 'POWEROFF' || (vm.state === 'ACTIVE' && (vm.lcmState === 'RUNNING' || vm.lcmState === 'UNKNOWN'));
    if (!active) continue;
    const job = jobByVm.get(vm.id);
    out.push({
      id: job?.id ?? vm.jobId ?? `vm-${vm.id}`,
      class: job?.class ?? 'prod',
      priority: job?.priority ?? 0,
      submittedAt: vm.stime * 1000,
      cpu: vm.cpu, vcpu: vm.vcpu, memoryMb: vm.memoryMb, diskMb: 0,
      requirements: vm.schedRequirements, rank: vm.schedRank,
      automaticRequirements: vm.automaticRequirements,
      nics: [],
      vmId: vm.id,
      migrateFrom: { hostId: vm.hostId, datastoreId: vm.datastoreId },
    });
  }
  return out;
}
