/**
 * Judges a fault run from the simulator's own records (VM states, guest runs, host usage),
 * with svmsched's answers only to say which jobs it claims are done.
 */
import { readFile } from 'node:fs/promises';
import type { JobOverlap, Simulator, VmRecord } from '../../local/sim';
import { DONE_LINE, type JobRequest } from './jobMix';

export interface SubmittedJob {
  readonly id: string;
  readonly request: JobRequest;
}

/** A job as GET /jobs/{id} shows it (only what the verdict reads). */
export interface JobView {
  readonly id: string;
  readonly state: string;
  readonly reason?: string;
  readonly attempts: number;
  readonly preemptions?: number;
}

export interface Verdict {
  readonly submitted: number;
  readonly completed: number;
  readonly failed: number;
  /** Submitted but not found, or not final. */
  readonly lost: readonly string[];
  /** Final in a state other than COMPLETED or FAILED. */
  readonly otherFinal: readonly JobView[];
  readonly failedWithoutReason: readonly JobView[];
  /** FAILED before using up its attempts (no retry was due). */
  readonly failedEarly: readonly JobView[];
  /** COMPLETED, but no guest run of the job's VMs shows the service finishing its work. */
  readonly completedUnconfirmed: readonly string[];
  readonly doubleRuns: readonly JobOverlap[];
  readonly placedTwice: readonly JobOverlap[];
  readonly capacityViolations: number;
  /** VMs not DONE now that every job is final. */
  readonly orphanVms: readonly VmRecord[];
  /** VMs carrying a job id nobody submitted, or none. */
  readonly strangerVms: readonly VmRecord[];
  readonly vms: number;
  /** Preemptions svmsched counted, and VMs the simulator saw stopped, suspended or undeployed. */
  readonly preemptions: number;
  readonly vmsPreempted: number;
  readonly failReasons: ReadonlyMap<string, number>;
}

const FINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED']);
const SAVED = new Set(['STOPPED', 'SUSPENDED', 'UNDEPLOYED']);

/** A reason with its hosts and numbers taken out, so alike reasons are counted together. */
const reasonKind = (reason: string) => reason.replace(/\b(on|to) host [^\s;,)]+/g, '$1 host H').replace(/\(.*\)/g, '(…)').replace(/\d+/g, 'N');

async function finishedWork(sim: Simulator, job: SubmittedJob, vmIds: ReadonlySet<number>): Promise<boolean> {
  for (const run of sim.state.guestRuns()) {
    if (!vmIds.has(run.vmId)) continue;
    const text = await readFile(run.consoleLog, 'utf8').catch(() => '');
    if (DONE_LINE[job.request.service].test(text)) return true;
  }
  return false;
}

export async function judge(sim: Simulator, submitted: readonly SubmittedJob[], seen: ReadonlyMap<string, JobView>, maxAttempts: number): Promise<Verdict> {
  const vms = sim.state.vms();
  const vmsOf = new Map<string, Set<number>>();
  for (const vm of vms) if (vm.jobId) vmsOf.set(vm.jobId, (vmsOf.get(vm.jobId) ?? new Set()).add(vm.id));
  const lost: string[] = [];
  const otherFinal: JobView[] = [];
  const failedWithoutReason: JobView[] = [];
  const failedEarly: JobView[] = [];
  const completedUnconfirmed: string[] = [];
  const failReasons = new Map<string, number>();
  let completed = 0;
  let failed = 0;
  for (const s of submitted) {
    const job = seen.get(s.id);
    if (!job || !FINAL.has(job.state)) { lost.push(s.id); continue; }
    if (job.state === 'COMPLETED') {
      completed += 1;
      if (!(await finishedWork(sim, s, vmsOf.get(s.id) ?? new Set()))) completedUnconfirmed.push(s.id);
    } else if (job.state === 'FAILED') {
      failed += 1;
      if (job.attempts < maxAttempts) failedEarly.push(job);
      if (!job.reason) failedWithoutReason.push(job);
      else failReasons.set(reasonKind(job.reason), (failReasons.get(reasonKind(job.reason)) ?? 0) + 1);
    } else otherFinal.push(job);
  }
  const ids = new Set(submitted.map((s) => s.id));
  return {
    submitted: submitted.length, completed, failed, lost, otherFinal, failedWithoutReason, failedEarly, completedUnconfirmed,
    doubleRuns: sim.state.jobOverlaps('running'),
    placedTwice: sim.state.jobOverlaps('placed'),
    capacityViolations: sim.state.capacityViolations().length,
    orphanVms: vms.filter((vm) => vm.state !== 'DONE'),
    strangerVms: vms.filter((vm) => !vm.jobId || !ids.has(vm.jobId)),
    vms: vms.length,
    preemptions: submitted.reduce((n, s) => n + (seen.get(s.id)?.preemptions ?? 0), 0),
    vmsPreempted: vms.reduce((n, vm) => n + vm.log.filter((c, i) => SAVED.has(c.state) && vm.log[i - 1]?.state !== c.state).length, 0),
    failReasons,
  };
}
