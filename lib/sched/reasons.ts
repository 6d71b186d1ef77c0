/**
 * Waiting reasons: one sentence a person can act on, with the counts behind it (how many hosts
 * the requirements rule out and by which term, the most free room on a matching host, how many
 * jobs went first).
 */
import type { GroupRegistry } from './groups';
import type { FilterContext, OverBudget, PreparedJob, RejectCode } from './filter';
import type { WaitCode, WaitReason } from './contract';

export interface ReasonContext {
  readonly ctx: FilterContext;
  readonly registry: GroupRegistry;
  readonly maxHost: number;
  readonly preemption: boolean;
  /** Jobs placed earlier in this plan (they all come before this one in queue order). */
  readonly placedAhead: number;
  /** Steps one requirement may cost in this plan (Policy.maxRequirementSteps or its default). */
  readonly stepLimit: number;
}

const reason = (code: WaitCode, message: string, details: Record<string, unknown> = {}): WaitReason => ({ code, message, details });
const cpus = (share: number): string => `${+(share / 100).toFixed(2)} CPU`;
const mb = (kb: number): string => `${Math.floor(kb / 1024)} MB`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function explainWait(rc: ReasonContext, job: PreparedJob, rejected: ReadonlyMap<RejectCode, number>, imageFit = true): WaitReason {
  if (job.requirementError !== undefined) {
    return reason('requirements.syntax', `SCHED_REQUIREMENTS "${job.job.requirements}" cannot be used: ${job.requirementError}. Fix the expression.`, { error: job.requirementError });
  }
  if (job.dsRequirementError !== undefined) {
    return reason('requirements.syntax', `SCHED_DS_REQUIREMENTS cannot be used: ${job.dsRequirementError}. Fix the expression.`, { error: job.dsRequirementError });
  }
  if (job.nicRequirementError !== undefined) {
    return reason('requirements.syntax', `A NIC's SCHED_REQUIREMENTS cannot be used: ${job.nicRequirementError}. Fix the expression.`, { error: job.nicRequirementError });
  }
  if (job.overBudget !== undefined) return budgetReason(rc, job.overBudget);
  const group = job.group!;
  if (rc.registry.overBudget(group)) return budgetReason(rc, { which: 'SCHED_REQUIREMENTS', requirement: group.requirement });
  if (job.kind === 'resumeSuspended') {
    return reason('resume.sameHost', `suspended on host ${job.job.preempted!.hostId}, it resumes only there, once ${cpus(job.cpu)} and ${mb(job.mem)} are free on it.`, { hostId: job.job.preempted!.hostId });
  }
  if (group.considered.length === 0) {
    return reason('hosts.none', 'no enabled and monitored host is available to run it; enable or add hosts.', {});
  }
  if (group.hosts.length === 0) {
    const failing = rc.registry.failingTerms(group);
    if (failing === undefined) return budgetReason(rc, { which: 'SCHED_REQUIREMENTS', requirement: group.requirement });
    const terms = [...failing].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const top = terms[0]?.[0] ?? group.requirement;
    return reason('requirements.nomatch', `0 of ${plural(group.considered.length, 'host')} match ${top}; change the requirements or the hosts.`,
      { considered: group.considered.length, requirement: group.requirement, terms: Object.fromEntries(terms) });
  }
  const notExcluded = job.excluded.size === 0 ? group.hosts : group.hosts.filter((i) => !job.excluded.has(rc.ctx.ledger.hosts[i].host.id));
  if (notExcluded.length === 0) {
    return reason('hosts.excluded', `all ${plural(group.hosts.length, 'host')} matching it are excluded after failed deploys on them; fix those hosts or relax the requirements.`,
      { excludedHostIds: [...job.excluded].sort((a, b) => a - b) });
  }
  if (!imageFit) {
    return reason('image.capacity', 'an image datastore does not have room for the disks it clones; free space in the image datastore.', { imageDatastoreMb: job.job.imageDatastoreMb });
  }
  if (job.datastores.length === 0) {
    return reason('datastore.none', 'no system datastore matches its datastore requirements; check SCHED_DS_REQUIREMENTS and the datastores.', {});
  }
  const noNet = job.nics.find((n) => n.vnets.length === 0);
  if (noNet) {
    return reason('network.none', `no network matches NIC ${noNet.nicId}; check its SCHED_REQUIREMENTS and the networks.`, { nicId: noNet.nicId });
  }
  const ds = (rejected.get('datastore.capacity') ?? 0) + (rejected.get('datastore.cluster') ?? 0) + (rejected.get('datastore.monitor') ?? 0);
  if (ds > 0) {
    return reason('datastore.capacity', `${plural(ds, 'host')} with room for it have no system datastore with ${job.disk} MB free in their cluster; free space or add a datastore.`,
      { hostsRejected: ds, needMb: job.disk });
  }
  const net = (rejected.get('network.leases') ?? 0) + (rejected.get('network.cluster') ?? 0);
  if (net > 0) {
    return reason('network.leases', `${plural(net, 'host')} with room for it have no network with a free lease in their cluster; add addresses to the networks.`, { hostsRejected: net });
  }
  return capacityReason(rc, job, notExcluded);
}

const BUDGET_SUBJECT: Record<OverBudget['which'], string> = {
  SCHED_REQUIREMENTS: 'its requirements',
  SCHED_DS_REQUIREMENTS: 'its datastore requirements (SCHED_DS_REQUIREMENTS)',
  'NIC SCHED_REQUIREMENTS': "a NIC's requirements (SCHED_REQUIREMENTS)",
};

/** A requirement that ran out of steps (Policy.maxRequirementSteps): the plan went on without it. */
function budgetReason(rc: ReasonContext, over: OverBudget): WaitReason {
  return reason('requirements.budget',
    `${BUDGET_SUBJECT[over.which]} took too long to evaluate (more than ${rc.stepLimit} steps in this round); simplify them: wildcard patterns with several '*' against long attribute values cost the most.`,
    { which: over.which, requirement: over.requirement, maxSteps: rc.stepLimit });
}

function capacityReason(rc: ReasonContext, job: PreparedJob, hosts: readonly number[]): WaitReason {
  const { ledger } = rc.ctx;
  let maxCpu = -Infinity;
  let maxMem = -Infinity;
  let limited = 0;
  let wouldFit = 0;
  if (rc.maxHost > 0 || hosts !== job.group!.hosts) {
    for (const i of hosts) {
      const c = ledger.freeCpu(i);
      const m = ledger.freeMem(i);
      maxCpu = Math.max(maxCpu, c);
      maxMem = Math.max(maxMem, m);
      if (rc.maxHost > 0 && ledger.hosts[i].dispatched >= rc.maxHost) {
        limited++;
        if (c >= job.cpu && m >= job.mem) wouldFit++;
      }
    }
  } else {
    // No dispatch limit, no exclusion: the group's tree already knows the most free room.
    rc.registry.flush(job.group!);
    maxCpu = job.group!.tree.maxCpu();
    maxMem = job.group!.tree.maxMem();
  }
  const details = { needCpu: job.cpu / 100, needMemoryMb: job.mem / 1024, mostFreeCpu: maxCpu / 100, mostFreeMemoryMb: Math.floor(maxMem / 1024), matchingHosts: hosts.length };
  const tail = job.job.class === 'beff'
    ? ' Best-effort jobs start when capacity is idle.'
    : rc.preemption ? ' No best-effort jobs on a matching host would free enough room.' : ' Preemption is off.';
  if (wouldFit > 0) {
    return reason('capacity.dispatchLimit', `${plural(wouldFit, 'matching host')} with room already received MAX_HOST=${rc.maxHost} VMs in this round; it goes in a next round.`, { ...details, limitedHosts: limited });
  }
  const group = job.group!;
  if (rc.placedAhead > 0 && job.cpu <= group.initialMaxCpu && job.mem <= group.initialMaxMem) {
    return reason('queue.behind', `behind ${plural(rc.placedAhead, 'job')} of higher priority placed in this round, which took the free room on the hosts it matches.`, { ...details, placedAhead: rc.placedAhead });
  }
  if (job.cpu > maxCpu) {
    return reason('capacity.cpu', `needs ${cpus(job.cpu)}, most free on a matching host is ${cpus(Math.max(0, maxCpu))}.${tail}`, details);
  }
  if (job.mem > maxMem) {
    return reason('capacity.memory', `needs ${mb(job.mem)} of memory, most free on a matching host is ${mb(Math.max(0, maxMem))}.${tail}`, details);
  }
  return reason('capacity.cpuAndMemory', `needs ${cpus(job.cpu)} and ${mb(job.mem)} on one host; no matching host has both free (most free: ${cpus(maxCpu)}, ${mb(maxMem)}, on different hosts).${tail}`, details);
}
