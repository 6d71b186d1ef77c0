/**
 * A workload as the replay runs it: jobs in the cloud's terms (vCPU, MB, a tenant, a class, an
 * estimate) on a cloud of identical hosts. Built from a trace (trace.ts) or generated
 * (synthetic.ts); either way, the mapping is stated line by line and every job that had to be
 * dropped, scaled or split is counted, so the report says what was replayed.
 */
import type { JobClass } from '../sched';

export interface SimJob {
  readonly id: string;
  /** Seconds from the workload's start. */
  readonly submit: number;
  /** Seconds of running the job needs (its logged run time). */
  readonly work: number;
  /** The user's estimate of its run time, seconds (the trace's requested time). */
  readonly estimate?: number;
  /** Seconds of running after which it is ended (a lifetime, as the service enforces one). */
  readonly lifetime?: number;
  readonly cpu: number;
  readonly memoryMb: number;
  readonly tenant: string;
  readonly class: JobClass;
  readonly priority: number;
  /** The wait the trace's own machine gave it, seconds (field 3), when known. */
  readonly realWait?: number;
  /** For a part of a split job: the trace job's id (it starts when its last part starts). */
  readonly parent?: string;
}

export interface CloudShape {
  readonly hosts: number;
  readonly hostCpus: number;
  readonly hostMemoryMb: number;
}

export interface Workload {
  readonly name: string;
  readonly jobs: readonly SimJob[];
  readonly cloud: CloudShape;
  /** The mapping, one sentence each, for the report. */
  readonly mapping: readonly string[];
  /** Jobs dropped, scaled, split, clipped...: label → count (every count is stated). */
  readonly counts: Readonly<Record<string, number>>;
  /** Unix time (s) of the workload's start, when the trace says it. */
  readonly startUnix?: number;
  /** The trace's Acknowledge line, to be cited with any figure made from it. */
  readonly acknowledge?: string;
  readonly source?: string;
}

/** Jobs in submit order (then id): the order every replay of the workload sees them. */
export function sortJobs(jobs: SimJob[]): SimJob[] {
  return jobs.sort((a, b) => a.submit - b.submit || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Every tenant of a workload gets the same class: users are prod or beff, not their single jobs. */
export function classOfTenant(tenants: readonly string[], beffFraction: number, random: () => number): Map<string, JobClass> {
  const out = new Map<string, JobClass>();
  for (const t of [...new Set(tenants)].sort()) out.set(t, random() < beffFraction ? 'beff' : 'prod');
  return out;
}
