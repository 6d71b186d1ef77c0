import type { Job } from '../domain/job';
import type { Service, SvmschedConfig, SchedulingPolicy } from '../config/types';
import type { Snapshot, Vm } from '../sched/snapshot';
import type { NicRequest, Policy, PlanInput, QueuedJob, RunningJob } from '../sched/contract';
import { DS_POLICIES, HOST_POLICIES } from '../sched/contract';
import { andRequirements } from './vmTemplate';
import { jobTenant } from '../config/tenancy';
import { vmPhase } from './vmPhase';

const HOST_POLICY_NUMBER = {
  packing: HOST_POLICIES.packing, striping: HOST_POLICIES.striping, 'load-aware': HOST_POLICIES.loadAware,
  custom: HOST_POLICIES.custom, fixed: HOST_POLICIES.fixed,
} as const;
const STORAGE_POLICY_NUMBER = { packing: DS_POLICIES.packing, striping: DS_POLICIES.striping, custom: DS_POLICIES.custom, fixed: DS_POLICIES.fixed } as const;

/** The configuration's policy in the planner's terms (rank.conf numbers). */
export function toPolicy(s: SchedulingPolicy): Policy {
  return {
    host: { policy: HOST_POLICY_NUMBER[s.host.policy], rank: s.host.rank || undefined },
    datastore: { policy: STORAGE_POLICY_NUMBER[s.datastore.policy], rank: s.datastore.rank || undefined },
    nic: { policy: STORAGE_POLICY_NUMBER[s.nic.policy], rank: s.nic.rank || undefined },
    maxHost: s.maxHost,
    differentVnets: s.differentVnets,
    memorySystemDsScale: 0,
    preemption: s.preemption,
    backfill: s.backfill,
    // The tick re-ranks after each dispatch, so striping really spreads a burst of jobs.
    rankMode: 'dynamic',
    // HOST_SHARE/MAX_* already carries the reservations oned (or the simulator) applied.
    applyReserved: false,
  };
}

const ms = (iso: string | undefined) => (iso ? Date.parse(iso) : undefined);

/**
 * Seconds a job is still expected to run: its estimate, else its lifetime (the service default
 * is already in it), less what it ran before; the smaller when both are known.
 */
function expectedRun(job: Job): number | undefined {
  const ran = Math.floor(job.runSeconds ?? 0);
  const byEstimate = job.runtimeEstimate !== undefined ? Math.max(1, job.runtimeEstimate - ran) : undefined;
  const byLifetime = job.lifetime !== undefined ? Math.max(1, job.lifetime - ran) : undefined;
  if (byEstimate === undefined) return byLifetime;
  return byLifetime === undefined ? byEstimate : Math.min(byEstimate, byLifetime);
}

function nicsOf(service: Service): NicRequest[] {
  return service.networks.map((n, i) =>
    n.mode === 'auto'
      ? { nicId: i, auto: true, schedRequirements: n.requirements, schedRank: n.rank }
      : { nicId: i, auto: false, networkId: typeof n.vnet === 'number' ? n.vnet : undefined });
}

/**
 * Its tenant and submitter, for the planner's sharing. A job from before tenants were configured
 * (or whose tenant the file no longer has) runs in the tenant the file gives it now.
 */
function tenancy(job: Job, config: SvmschedConfig): { tenant: string; user: string } {
  const known = job.tenant !== undefined && config.tenants.some((t) => t.id === job.tenant);
  return { tenant: known ? job.tenant! : jobTenant(config, job.owner, job.service), user: job.owner };
}

function queued(job: Job, service: Service, config: SvmschedConfig, vm: Vm | undefined): QueuedJob {
  const deadline = config.scheduling.pendingDeadline;
  return {
    id: job.id,
    ...tenancy(job, config),
    class: job.class,
    priority: job.priority,
    submittedAt: Date.parse(job.createdAt),
    cpu: job.vcpu,
    vcpu: job.vcpu,
    memoryMb: job.memory,
    diskMb: 0,
    requirements: andRequirements(service.requirements, job.requirements),
    rank: service.rank || undefined,
    dsRequirements: service.dsRequirements || undefined,
    dsRank: service.dsRank || undefined,
    nics: nicsOf(service),
    // Known once the VM exists: oned derives them from the image and network clusters.
    automaticRequirements: vm?.automaticRequirements || undefined,
    automaticDsRequirements: vm?.automaticDsRequirements || undefined,
    excludedHostIds: job.excludedHosts,
    pendingDeadline: deadline > 0 && job.state === 'QUEUED' ? Date.parse(job.createdAt) + deadline * 1000 : undefined,
    vmId: vm?.id,
    preempted: job.state === 'PREEMPTED' && job.hostId !== undefined
      ? { mode: job.preemptMode, hostId: job.hostId, datastoreId: job.datastoreId }
      : undefined,
    preemptMode: job.preemptMode,
    runtimeEstimate: expectedRun(job),
  };
}

function running(job: Job, vm: Vm, config: SvmschedConfig): RunningJob | undefined {
  const hostId = vm.hostId ?? job.hostId;
  if (hostId === undefined) return undefined;
  const startedAt = ms(job.runningSince) ?? ms(job.updatedAt)!;
  const left = expectedRun(job);
  return {
    id: job.id,
    ...tenancy(job, config),
    vmId: vm.id,
    hostId,
    datastoreId: vm.datastoreId ?? job.datastoreId,
    class: job.class,
    priority: job.priority,
    cpu: job.vcpu,
    memoryMb: job.memory,
    preemptMode: job.preemptMode,
    startedAt,
    checkpointAt: ms(job.checkpointAt),
    lifetimeEndsAt: ms(job.lifetimeEndsAt),
    // The estimate (or the lifetime) from this segment's start; a lifetime's recorded end caps it.
    expectedEndAt: left !== undefined ? Math.min(startedAt + left * 1000, ms(job.lifetimeEndsAt) ?? Infinity) : ms(job.lifetimeEndsAt),
    state: job.state === 'PREEMPTED' ? 'PREEMPTED' : 'RUNNING',
  };
}

/** Unfinished jobs and the snapshot, as the planner reads them. */
export function toPlanInput(jobs: readonly Job[], snapshot: Snapshot, config: SvmschedConfig, now: number): PlanInput {
  const vmById = new Map(snapshot.vms.map((v) => [v.id, v]));
  const services = new Map(config.services.map((s) => [s.id, s]));
  const queue: QueuedJob[] = [];
  const run: RunningJob[] = [];
  for (const job of jobs) {
    const service = services.get(job.service);
    const vm = job.vmId !== undefined ? vmById.get(job.vmId) : undefined;
    if (!service) continue; // a service removed from the configuration: left to the operator
    const phase = vmPhase(vm);
    if (job.state === 'QUEUED' || (job.state === 'DISPATCHING' && phase === 'held')) {
      queue.push(queued(job, service, config, vm));
    } else if (job.state === 'PREEMPTED') {
      queue.push(queued(job, service, config, vm));
      if (vm) { const r = running(job, vm, config); if (r) run.push(r); }
    } else if (vm && phase !== 'gone') {
      const r = running(job, vm, config);
      if (r) run.push(r);
    }
  }
  return { snapshot, queue, running: run, policy: toPolicy(config.scheduling), now };
}
