/**
 * What GET /cluster shows, recorded by the tick from the snapshot it took anyway, so that the
 * API never takes an OpenNebula snapshot per request. Recorded for nobody in particular: the
 * API hides other users' job ids when it answers (lib/jobs/clusterView.ts).
 */
import type { Job } from '../domain/job';
import type { Snapshot } from '../sched/snapshot';
import { hostCapability, recordCapability, type RecordedCapability } from './hostCapability';
import type { TenantSummary } from '../sched';

/** An svmsched VM on a host; without job fields when its job is not unfinished (any more). */
export interface RecordedVm {
  readonly vmId: number;
  readonly jobId?: string;
  readonly service?: string;
  readonly class?: string;
  readonly state?: string;
  readonly owner?: string;
}

export interface HostView {
  readonly id: number;
  readonly name: string;
  readonly cluster: string;
  readonly state: string;
  /** CPUs. */
  readonly cpu: { readonly total: number; readonly used: number; readonly free: number };
  /** MB. */
  readonly memory: { readonly total: number; readonly used: number; readonly free: number };
  readonly runningVms: number;
  readonly jobs: readonly RecordedVm[];
}

export interface ClusterRecord {
  /** When the snapshot was taken (epoch ms). */
  readonly observedAt: number;
  readonly hosts: readonly HostView[];
  readonly queued: number;
  readonly running: number;
  readonly preempted: number;
  /** What each host could offer at best, for submit's check of requests no host could ever satisfy (not shown by GET /cluster). */
  readonly capabilities?: readonly RecordedCapability[];
  /** Per tenant, as the planner saw it (GET /tenants; not shown by GET /cluster). */
  readonly tenants?: readonly TenantSummary[];
}

/** A stored record as this version writes it, or undefined (none, or written by another version). */
export function asClusterRecord(value: unknown): ClusterRecord | undefined {
  const r = value as Partial<ClusterRecord> | undefined;
  const ok = typeof r === 'object' && r !== null && typeof r.observedAt === 'number' && Array.isArray(r.hosts)
    && typeof r.queued === 'number' && typeof r.running === 'number' && typeof r.preempted === 'number';
  return ok ? r as ClusterRecord : undefined;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Hosts, their capacity and usage as OpenNebula accounts it, and which job runs where. */
export function recordCluster(snapshot: Snapshot, jobs: readonly Job[], observedAt: number): ClusterRecord {
  const byVm = new Map(jobs.filter((j) => j.vmId !== undefined).map((j) => [j.vmId!, j]));
  // Grouped once: a snapshot of thousands of hosts and VMs must not cost hosts × VMs.
  const onHost = new Map<number, Snapshot['vms'][number][]>();
  for (const v of snapshot.vms) {
    if (v.hostId === undefined || !v.jobId) continue;
    const list = onHost.get(v.hostId);
    if (list) list.push(v);
    else onHost.set(v.hostId, [v]);
  }
  const hosts = snapshot.hosts.map((h): HostView => {
    const s = h.share;
    const listed = new Set(h.vmIds);
    return {
      id: h.id, name: h.name, cluster: h.clusterName, state: h.state,
      cpu: { total: round(s.maxCpu / 100), used: round(s.cpuUsage / 100), free: round((s.maxCpu - s.cpuUsage) / 100) },
      memory: { total: Math.round(s.maxMem / 1024), used: Math.round(s.memUsage / 1024), free: Math.round((s.maxMem - s.memUsage) / 1024) },
      runningVms: s.runningVms,
      jobs: (onHost.get(h.id) ?? []).filter((v) => listed.has(v.id)).map((v) => {
        const j = byVm.get(v.id);
        return j ? { jobId: j.id, vmId: v.id, service: j.service, class: j.class, state: j.state, owner: j.owner } : { vmId: v.id };
      }),
    };
  });
  const count = (...states: Job['state'][]) => jobs.filter((j) => states.includes(j.state)).length;
  return {
    observedAt, hosts,
    queued: count('QUEUED'), running: count('DISPATCHING', 'RUNNING', 'RESUMING', 'PREEMPTING'), preempted: count('PREEMPTED'),
    capabilities: snapshot.hosts.map((h) => recordCapability(hostCapability(h))),
  };
}
