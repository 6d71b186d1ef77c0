import type { Job } from './model';
import type { Snapshot } from '../sched/model';
import type { Caller } from '../http/handler';

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
  /** svmsched jobs on the host; another user's job shows without its id. */
  readonly jobs: readonly { jobId?: string; vmId: number; service?: string; class?: string; state?: string; owner?: string }[];
}

export interface ClusterView {
  readonly hosts: readonly HostView[];
  readonly summary: { readonly hosts: number; readonly cpu: HostView['cpu']; readonly memory: HostView['memory']; readonly queued: number; readonly running: number; readonly preempted: number };
}

const round = (n: number) => Math.round(n * 100) / 100;

/** GET /cluster: hosts, their capacity and usage as OpenNebula accounts it, and who runs where. */
export function clusterView(snapshot: Snapshot, jobs: readonly Job[], caller: Caller): ClusterView {
  const byVm = new Map(jobs.filter((j) => j.vmId !== undefined).map((j) => [j.vmId!, j]));
  const hosts = snapshot.hosts.map((h): HostView => {
    const s = h.share;
    const onHost = snapshot.vms.filter((v) => v.hostId === h.id && h.vmIds.includes(v.id));
    return {
      id: h.id, name: h.name, cluster: h.clusterName, state: h.state,
      cpu: { total: round(s.maxCpu / 100), used: round(s.cpuUsage / 100), free: round((s.maxCpu - s.cpuUsage) / 100) },
      memory: { total: Math.round(s.maxMem / 1024), used: Math.round(s.memUsage / 1024), free: Math.round((s.maxMem - s.memUsage) / 1024) },
      runningVms: s.runningVms,
      jobs: onHost.filter((v) => v.jobId).map((v) => {
        const j = byVm.get(v.id);
        const visible = j && (caller.role === 'admin' || j.owner === caller.user);
        return visible
          ? { jobId: j.id, vmId: v.id, service: j.service, class: j.class, state: j.state, owner: j.owner }
          : { vmId: v.id, class: j?.class };
      }),
    };
  });
  const sum = (f: (h: HostView) => HostView['cpu']) => ({
    total: round(hosts.reduce((a, h) => a + f(h).total, 0)),
    used: round(hosts.reduce((a, h) => a + f(h).used, 0)),
    free: round(hosts.reduce((a, h) => a + f(h).free, 0)),
  });
  const count = (...states: Job['state'][]) => jobs.filter((j) => states.includes(j.state)).length;
  return {
    hosts,
    summary: {
      hosts: hosts.length, cpu: sum((h) => h.cpu), memory: sum((h) => h.memory),
      queued: count('QUEUED'), running: count('DISPATCHING', 'RUNNING', 'RESUMING', 'PREEMPTING'), preempted: count('PREEMPTED'),
    },
  };
}
