/**
 * What one Lambda counted since it last said so. Each function is its own process, so counts are
 * kept here only until they are flushed: added to the stored counters (lib/store/metricsCounters.ts,
 * what GET /metrics reads) and printed as CloudWatch metrics (./emf.ts). A container that dies
 * before a flush loses what it had not flushed; the tick and every write of the API flush at once.
 */
import type { Job, JobEvent, JobState } from '../domain/job';
import { isFinal } from '../domain/job';
import { DEFAULT_TENANT } from '../domain/tenant';
import type { TickReport } from '../lifecycle/tick';
import type { JobPatch } from '../store/jobRepository';
import type { CapacityCounts } from '../store/counting';
import { METRICS, type MetricKey } from './catalog';
import { seriesKey, type Labels } from './series';

/** One value as CloudWatch gets it: a count, or one observation of a histogram. */
export interface Observation {
  readonly metric: MetricKey;
  readonly labels: Labels;
  readonly value: number;
}

/** Tenants are being added to jobs: a job without one belongs to the default tenant. */
export const tenantOf = (job: Job): string => {
  const tenant = (job as { tenant?: unknown }).tenant;
  return typeof tenant === 'string' && tenant !== '' ? tenant : DEFAULT_TENANT;
};

const jobLabels = (job: Job): Labels => ({ class: job.class, tenant: tenantOf(job), service: job.service });

/** Seconds between two ISO 8601 instants, never negative. */
const secondsBetween = (from: string, to: string): number => Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);

/** A preemption that gives borrowed capacity back to the tenant it belongs to says so in its reason. */
const RECLAIM = /\breclaim/i;

export class MetricsRecorder {
  private deltas = new Map<string, number>();
  private observations: Observation[] = [];

  count(metric: MetricKey, labels: Labels = {}, by = 1): void {
    const key = seriesKey(METRICS[metric].name, labels);
    this.deltas.set(key, (this.deltas.get(key) ?? 0) + by);
    this.observations.push({ metric, labels, value: by });
  }

  /** One observation of a histogram: its cumulative buckets, sum and count, as Prometheus keeps them. */
  observe(metric: MetricKey, labels: Labels, value: number): void {
    const def = METRICS[metric] as { name: string; buckets?: readonly number[] };
    const add = (key: string, by: number) => this.deltas.set(key, (this.deltas.get(key) ?? 0) + by);
    for (const le of def.buckets ?? []) if (value <= le) add(seriesKey(`${def.name}_bucket`, { ...labels, le: String(le) }), 1);
    add(seriesKey(`${def.name}_bucket`, { ...labels, le: '+Inf' }), 1);
    add(seriesKey(`${def.name}_sum`, labels), value);
    add(seriesKey(`${def.name}_count`, labels), 1);
    this.observations.push({ metric, labels, value });
  }

  submitted(job: Job): void {
    this.count('jobsSubmitted', jobLabels(job));
  }

  /** A transition the store wrote; `job` as written, its last history entry the transition. */
  transitioned(job: Job, patch: JobPatch): void {
    const event: JobEvent | undefined = job.history[job.history.length - 1];
    const from: JobState | undefined = event?.from;
    const to = job.state;
    if (from === 'QUEUED' && to === 'DISPATCHING' && job.history.filter((e) => e.to === 'DISPATCHING').length === 1) {
      this.observe('queueWait', jobLabels(job), secondsBetween(job.createdAt, job.updatedAt));
    }
    if (to === 'PREEMPTING' && from !== 'PREEMPTING') {
      this.count('preemptions', { ...jobLabels(job), mode: job.preemptMode });
      if (RECLAIM.test(event?.reason ?? '')) this.count('reclaims', { tenant: tenantOf(job) });
    }
    if (to === 'RESUMING' && from === 'PREEMPTED') this.count('resumes', jobLabels(job));
    if (isFinal(to) && (from === undefined || !isFinal(from))) {
      this.count('jobsFinished', { state: to, ...jobLabels(job) });
      const ran = (job.runSeconds ?? 0) + (job.runningSince ? secondsBetween(job.runningSince, job.updatedAt) : 0);
      if (ran > 0) this.observe('runTime', { state: to, ...jobLabels(job) }, ran);
    }
    this.patched(job, patch);
  }

  /** Every write that raises a job's attempts records a failed deploy or boot (lib/lifecycle/execute.ts, reconcile.ts). */
  patched(job: Job, patch: JobPatch): void {
    if (patch.attempts !== undefined) this.count('deployFailures', { service: job.service });
  }

  tick(report: TickReport, seconds: number, failed = false): void {
    this.count('ticks', { outcome: failed ? 'failed' : report.skipped ? 'skipped' : 'ran' });
    if (failed || report.skipped) return;
    this.observe('tickDuration', {}, seconds);
    for (const s of report.planSeconds ?? []) this.observe('planDuration', {}, s);
  }

  xmlrpc(method: string, ok: boolean): void {
    this.count('xmlrpcCalls', { method });
    if (!ok) this.count('xmlrpcErrors', { method });
  }

  /** What DynamoDB reported consumed since the counts were last reset (lib/store/counting.ts). */
  capacity(counts: Pick<CapacityCounts, 'byOperation'>): void {
    for (const [operation, c] of Object.entries(counts.byOperation)) {
      if (c.readUnits > 0) this.count('dynamoRead', { operation }, c.readUnits);
      if (c.writeUnits > 0) this.count('dynamoWrite', { operation }, c.writeUnits);
    }
  }

  /** Whether anything was counted since the last take. */
  get pending(): boolean {
    return this.deltas.size > 0;
  }

  /** What was counted since the last take, and forgets it. */
  take(): { deltas: Record<string, number>; observations: Observation[] } {
    const taken = { deltas: Object.fromEntries(this.deltas), observations: this.observations };
    this.deltas = new Map();
    this.observations = [];
    return taken;
  }
}
