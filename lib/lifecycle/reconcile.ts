import type { Job, JobState, PreemptMode } from '../domain/job';
import { isFinal } from '../domain/job';
import type { Vm } from '../sched/snapshot';
import { vmPhase, type VmPhase } from './vmPhase';
import { exitOutcome } from './outcome';
import type { JobPatch } from './ports';
import { decideRetry, type RetryPolicy } from '../domain/retry';

/**
 * Reconciliation: what each unfinished job's VM says about the job, decided as data so it can
 * be tested without OpenNebula. Every tick runs it first, so a tick that crashed between two
 * steps, a VM that failed, or a host that went into ERROR is repaired by the next one.
 *
 * Exit codes: the start script records the code in the VM's USER_TEMPLATE through OneGate
 * before it tries the callback, and powers off only after both, so a code recorded there
 * settles the job whatever the VM does next. oned applies a OneGate update at once, and a
 * snapshot reads each VM's state and template together, so a VM seen POWEROFF without a code
 * never recorded one (OneGate refused or was down, and the callback gave up): nothing can
 * arrive any more. A VM still RUNNING never fails its job: its script may still be reporting.
 */
export type Fix =
  /** Move the job on (conditional on its current state); optionally end its VM first. */
  | { readonly type: 'advance'; readonly job: Job; readonly to: JobState; readonly reason: string; readonly patch: JobPatch; readonly endVm?: number }
  /** Record a VM the job already has (a crash between allocate and recording its id). */
  | { readonly type: 'adopt'; readonly job: Job; readonly vmId: number }
  /** Send a preemption again (the tick died after recording PREEMPTING, before OpenNebula acted). */
  | { readonly type: 'repreempt'; readonly job: Job; readonly vmId: number; readonly mode: PreemptMode }
  /** A VM that carries a job id no unfinished job owns. */
  | { readonly type: 'endOrphan'; readonly vmId: number; readonly jobId: string; readonly reason: string };

/** A service's retry rules, by service id (lib/domain/retry.ts); absent: jobs.maxAttempts for infrastructure, no retry of the service's own end. */
export type RetryPolicies = (service: string) => RetryPolicy | undefined;

export interface ReconcileInput {
  /** Unfinished jobs (the queue index). */
  readonly jobs: readonly Job[];
  /** svmsched's VMs that are not DONE, as OpenNebula reports them now. */
  readonly vms: readonly Vm[];
  readonly now: number;
  readonly maxAttempts: number;
  readonly retryPolicy?: RetryPolicies;
}

const seconds = (fromIso: string | undefined, now: number) => (fromIso ? Math.max(0, (now - Date.parse(fromIso)) / 1000) : 0);

/** The VM's addresses (its NICs' IPs), recorded on the job when it starts running: how its user reaches it. */
export function addressesOf(vm: Pick<Vm, 'nics'> | undefined): { addresses?: string[] } {
  const ips = (vm?.nics ?? []).flatMap((n) => (n.ip ? [n.ip] : []));
  return ips.length ? { addresses: ips } : {};
}

/** Counted run time once a run segment ends. */
function closeSegment(job: Job, now: number): JobPatch {
  return { runSeconds: (job.runSeconds ?? 0) + seconds(job.runningSince, now), clear: ['runningSince', 'lifetimeEndsAt'] };
}

/**
 * A failed attempt: exclude the host, and either queue the job again or fail it for good, as its
 * retry rules say. A job that had not run yet (DISPATCHING) failed to boot; one that had, lost its host.
 */
export function retryOrFail(job: Job, now: number, maxAttempts: number, what: string, policy?: RetryPolicy): { to: JobState; reason: string; patch: JobPatch } {
  const attempts = job.attempts + 1;
  const excluded = job.hostId !== undefined && !job.excludedHosts.includes(job.hostId) ? [...job.excludedHosts, job.hostId] : [...job.excludedHosts];
  const where = job.hostName ? ` on host ${job.hostName}` : job.hostId !== undefined ? ` on host ${job.hostId}` : '';
  const base = { ...closeSegment(job, now), attempts, excludedHosts: excluded };
  const decision = decideRetry({ kind: job.state === 'DISPATCHING' ? 'boot' : 'host' }, attempts, policy, job.retry, maxAttempts);
  if (!decision.retry) {
    const why = decision.action === 'stop' ? `not retried (rule ${decision.rule?.on}: stop)` : `gave up after ${attempts} attempt${attempts > 1 ? 's' : ''}`;
    return { to: 'FAILED', reason: `${what}${where}; ${why}`, patch: base };
  }
  return {
    to: 'QUEUED',
    reason: `${what}${where}; retrying elsewhere (attempt ${attempts + 1} of ${decision.attempts})`,
    patch: { ...base, clear: [...base.clear!, 'vmId', 'hostId', 'hostName', 'datastoreId'] },
  };
}

/** Job states whose VM has run or runs the service, so an exit code it recorded is this run's result. */
const REPORTING = new Set<JobState>(['DISPATCHING', 'RUNNING', 'PREEMPTING', 'PREEMPTED', 'RESUMING']);

function decide(job: Job, vm: Vm | undefined, phase: VmPhase, input: ReconcileInput): Fix | undefined {
  const { now, maxAttempts } = input;
  const advance = (to: JobState, reason: string, patch: JobPatch = {}, endVm?: number): Fix => ({ type: 'advance', job, to, reason, patch, endVm });
  const fail = (what: string, endVm?: number): Fix => {
    const r = retryOrFail(job, now, maxAttempts, what, input.retryPolicy?.(job.service));
    return advance(r.to, r.reason, r.patch, endVm);
  };
  const expired = job.lifetimeEndsAt !== undefined && Date.parse(job.lifetimeEndsAt) <= now;
  // The lifetime reached: the job's end, unless its retry rules start it again (a fresh lifetime).
  const expire = (endVm?: number): Fix => {
    if (!job.lifetimeIsSuccess) {
      const d = decideRetry({ kind: 'lifetime' }, job.attempts + 1, input.retryPolicy?.(job.service), job.retry, maxAttempts);
      if (d.retry) {
        return advance('QUEUED', `lifetime reached; retrying (attempt ${job.attempts + 2} of ${d.attempts})`, {
          attempts: job.attempts + 1, runSeconds: 0, clear: ['runningSince', 'lifetimeEndsAt', 'checkpointAt', 'vmId', 'hostId', 'hostName', 'datastoreId'],
        }, endVm);
      }
    }
    return advance('EXPIRED', 'lifetime reached', closeSegment(job, now), endVm);
  };
  const vmId = vm?.id;
  const broken = phase === 'failed' ? 'the VM failed' : phase === 'unknown' ? 'the VM\'s host went into ERROR (VM UNKNOWN)' : undefined;

  // The service ended and its VM recorded the code (OneGate): that is the job's result, even if
  // the callback never came. Only from the VM the job names: a guest can rewrite its own
  // USER_TEMPLATE, SVMSCHED_JOB_ID included. A job the tick had not yet seen running is first
  // recorded as having run, as the callback does, and settled by the next round.
  if (vm?.reportedExitCode !== undefined && job.vmId === vm.id && REPORTING.has(job.state)) {
    if (job.state === 'DISPATCHING' || job.state === 'RESUMING') {
      const hostId = vm.hostId ?? job.hostId;
      const hostName = vm.hostName || job.hostName;
      return advance('RUNNING', `ran on host ${hostName ?? hostId}`, { hostId, hostName, ...addressesOf(vm) });
    }
    const r = exitOutcome(job, vm.reportedExitCode, now, undefined, 'recorded by its VM through OneGate', { service: input.retryPolicy?.(job.service), maxAttempts });
    return advance(r.to, r.reason, r.patch, vm.id);
  }

  switch (job.state) {
    case 'QUEUED':
      // A VM left from an earlier attempt: it must not run next to the new one.
      return vm ? { type: 'endOrphan', vmId: vm.id, jobId: job.id, reason: 'left over from an earlier attempt' } : undefined;
    case 'DISPATCHING':
      if (vm && job.vmId === undefined) return { type: 'adopt', job, vmId: vm.id };
      if (phase === 'gone') {
        return job.vmId === undefined ? advance('QUEUED', 'dispatch interrupted before the VM was created') : fail('the VM disappeared while starting');
      }
      if (phase === 'running') return advance('RUNNING', `running on host ${vm!.hostName ?? vm!.hostId}`, { hostId: vm!.hostId, hostName: vm!.hostName, ...addressesOf(vm) });
      if (broken) return fail(broken, vmId);
      if (phase === 'poweroff' || phase === 'ending') return fail(`the VM shut down before it ran (${vm!.state}/${vm!.lcmState})`, vmId);
      return undefined; // held (the planner deploys it) or starting
    case 'RUNNING':
      if (phase === 'running' || phase === 'starting') {
        if (expired) return expire(vmId);
        // A migration moved the VM (the optimiser's, a resched, an operator's onevm migrate): the job follows it.
        if (phase === 'running' && vm!.hostId !== undefined && vm!.hostId !== job.hostId) {
          return advance('RUNNING', `its VM now runs on host ${vm!.hostName || vm!.hostId}`, { hostId: vm!.hostId, hostName: vm!.hostName, datastoreId: vm!.datastoreId, ...addressesOf(vm) });
        }
        return undefined;
      }
      if (phase === 'gone' || phase === 'ending') {
        if (expired || (job.lifetimeEndsAt && Date.parse(job.lifetimeEndsAt) <= now + 2000)) return expire(vmId);
        return fail('the VM ended without reporting an exit code', phase === 'ending' ? vmId : undefined);
      }
      // No code recorded (see above): neither OneGate nor the callback got it through.
      if (phase === 'poweroff') return advance('FAILED', 'the VM powered off without reporting an exit code', closeSegment(job, now), vmId);
      if (broken) return fail(broken, vmId);
      if (phase === 'stopped' || phase === 'suspended' || phase === 'undeployed') {
        return advance('PREEMPTED', `the VM was ${phase} outside svmsched`, { ...closeSegment(job, now), checkpointAt: new Date(now).toISOString() });
      }
      return undefined;
    case 'PREEMPTING':
      if (job.preemptMode === 'requeue') {
        if (phase === 'gone') return advance('QUEUED', 'preempted: requeued to start again', { ...closeSegment(job, now), clear: ['runningSince', 'lifetimeEndsAt', 'vmId', 'hostId', 'hostName', 'datastoreId'] });
        if (phase === 'running' || phase === 'starting') return { type: 'repreempt', job, vmId: vm!.id, mode: 'requeue' };
        return undefined;
      }
      if (phase === (job.preemptMode === 'stop' ? 'stopped' : job.preemptMode === 'suspend' ? 'suspended' : 'undeployed')) {
        return advance('PREEMPTED', `preempted (${job.preemptMode})`, { ...closeSegment(job, now), checkpointAt: new Date(now).toISOString() });
      }
      if (phase === 'running') return { type: 'repreempt', job, vmId: vm!.id, mode: job.preemptMode };
      if (phase === 'gone') return fail('the VM disappeared while being preempted');
      if (broken) return fail(broken, vmId);
      return undefined;
    case 'PREEMPTED':
      if (phase === 'gone') return advance('QUEUED', 'the preempted VM disappeared: starting again', { clear: ['vmId', 'hostId', 'hostName', 'datastoreId'] });
      if (broken) return fail(broken, vmId);
      return undefined;
    case 'RESUMING':
      if (phase === 'running') return advance('RUNNING', `resumed on host ${vm!.hostName ?? vm!.hostId}`, { hostId: vm!.hostId, hostName: vm!.hostName, ...addressesOf(vm) });
      if (phase === 'stopped' || phase === 'suspended' || phase === 'undeployed') {
        // The tick died before OpenNebula took the resume: the planner will place it again.
        return advance('PREEMPTED', 'resume interrupted', { clear: ['runningSince', 'lifetimeEndsAt'] });
      }
      if (phase === 'gone') return fail('the VM disappeared while resuming');
      if (broken) return fail(broken, vmId);
      return undefined;
    default:
      return undefined;
  }
}

export function reconcile(input: ReconcileInput): Fix[] {
  const byJob = new Map<string, Vm[]>();
  for (const vm of input.vms) {
    if (!vm.jobId || vmPhase(vm) === 'gone') continue;
    const list = byJob.get(vm.jobId) ?? [];
    list.push(vm);
    byJob.set(vm.jobId, list);
  }
  const fixes: Fix[] = [];
  const owned = new Set<number>();
  for (const job of input.jobs) {
    if (isFinal(job.state)) continue;
    const candidates = byJob.get(job.id) ?? [];
    // The recorded VM wins; without one, the newest VM carrying the job id (a crash after allocate).
    const vm = job.vmId !== undefined
      ? candidates.find((v) => v.id === job.vmId)
      : [...candidates].sort((a, b) => b.id - a.id)[0];
    if (vm && !(job.state === 'QUEUED')) owned.add(vm.id);
    const fix = decide(job, vm, vmPhase(vm), input);
    if (fix) fixes.push(fix);
  }
  const unfinished = new Set(input.jobs.filter((j) => !isFinal(j.state)).map((j) => j.id));
  for (const vm of input.vms) {
    if (!vm.jobId || owned.has(vm.id) || vmPhase(vm) === 'gone' || vmPhase(vm) === 'ending') continue;
    if (fixes.some((f) => f.type === 'endOrphan' && f.vmId === vm.id)) continue;
    const reason = unfinished.has(vm.jobId) ? 'a second VM for the same job' : 'its job is finished or unknown';
    fixes.push({ type: 'endOrphan', vmId: vm.id, jobId: vm.jobId, reason });
  }
  return fixes;
}
