import type { Caller } from '../domain/caller';
import type { ClusterRecord, HostView as RecordedHost } from '../lifecycle/clusterRecord';

export interface HostView extends Omit<RecordedHost, 'jobs'> {
  /** svmsched jobs on the host; another user's job shows without its id. */
  readonly jobs: readonly { jobId?: string; vmId: number; service?: string; class?: string; state?: string; owner?: string }[];
}

export interface ClusterView {
  readonly hosts: readonly HostView[];
  readonly summary: { readonly hosts: number; readonly cpu: HostView['cpu']; readonly memory: HostView['memory']; readonly queued: number; readonly running: number; readonly preempted: number };
  /** When OpenNebula was looked at (ISO 8601), and how long ago that was when answering. */
  readonly observedAt: string;
  readonly ageSeconds: number;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** GET /cluster: a recorded view (lib/lifecycle/clusterRecord.ts) as `caller` may see it. */
export function clusterView(record: ClusterRecord, caller: Caller, now: number): ClusterView {
  const hosts = record.hosts.map((h): HostView => ({
    ...h,
    jobs: h.jobs.map((v) => (v.jobId !== undefined && (caller.role === 'admin' || v.owner === caller.user) ? v : { vmId: v.vmId, class: v.class })),
  }));
  const sum = (f: (h: HostView) => HostView['cpu']) => ({
    total: round(hosts.reduce((a, h) => a + f(h).total, 0)),
    used: round(hosts.reduce((a, h) => a + f(h).used, 0)),
    free: round(hosts.reduce((a, h) => a + f(h).free, 0)),
  });
  return {
    hosts,
    summary: {
      hosts: hosts.length, cpu: sum((h) => h.cpu), memory: sum((h) => h.memory),
      queued: record.queued, running: record.running, preempted: record.preempted,
    },
    observedAt: new Date(record.observedAt).toISOString(),
    ageSeconds: Math.max(0, Math.round((now - record.observedAt) / 1000)),
  };
}
