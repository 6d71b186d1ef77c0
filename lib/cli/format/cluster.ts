import type { Capacity, ClusterInfo, ServiceInfo } from '../api';
import { escapeTerminalDeep } from './escape';
import { renderTable } from './table';
import { formatDuration, formatMb, type Paint, truncate } from './text';

const plain: Paint = (_s, t) => t;

/** "[######....]" : used share of a capacity, readable without colour and in any font. */
export function usageBar(capacity: Capacity, width = 10): string {
  const share = capacity.total > 0 ? Math.min(1, Math.max(0, capacity.used / capacity.total)) : 0;
  const filled = Math.round(share * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

const cpus = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** `cluster`: every host with used/total and free CPU and memory, then the totals. */
export function clusterTable(raw: ClusterInfo, paint: Paint = plain): string {
  const info = escapeTerminalDeep(raw);
  if (info.hosts.length === 0) return 'No hosts.\n';
  const rows = info.hosts.map((h) => [
    h.name, h.id, h.state,
    `${usageBar(h.cpu)} ${cpus(h.cpu.used)}/${cpus(h.cpu.total)}`, cpus(h.cpu.free),
    `${usageBar(h.memory)} ${formatMb(h.memory.used)}/${formatMb(h.memory.total)}`, formatMb(h.memory.free),
    h.runningVms, jobsOn(h.jobs),
  ]);
  const sum = (pick: (c: ClusterInfo['hosts'][number]) => number): number =>
    info.hosts.reduce((acc, h) => acc + pick(h), 0);
  const total = {
    cpu: { total: sum((h) => h.cpu.total), used: sum((h) => h.cpu.used), free: sum((h) => h.cpu.free) },
    memory: { total: sum((h) => h.memory.total), used: sum((h) => h.memory.used), free: sum((h) => h.memory.free) },
  };
  const table = renderTable(
    ['HOST', 'ID', 'STATE', 'CPU USED/TOTAL', 'CPU FREE', 'MEMORY USED/TOTAL', 'MEM FREE', 'VMS', 'JOBS'], rows,
    (s) => paint('bold', s));
  return `${table}\n${info.hosts.length} hosts: CPU ${usageBar(total.cpu)} ${cpus(total.cpu.used)}/${cpus(total.cpu.total)} used, `
    + `${cpus(total.cpu.free)} free; memory ${usageBar(total.memory)} ${formatMb(total.memory.used)}/${formatMb(total.memory.total)} used, `
    + `${formatMb(total.memory.free)} free\n`;
}

function jobsOn(jobs: ClusterInfo['hosts'][number]['jobs']): string {
  if (!jobs || jobs.length === 0) return '-';
  const prod = jobs.filter((j) => j.class === 'prod').length;
  return `${jobs.length} (${prod} prod, ${jobs.length - prod} beff)`;
}

/** `services`: what can be asked for, with its defaults and limits. */
export function servicesTable(raw: readonly ServiceInfo[], paint: Paint = plain): string {
  if (raw.length === 0) return 'No services.\n';
  const services = escapeTerminalDeep(raw);
  const range = (def?: number, max?: number, fmt: (n: number) => string = String): string =>
    `${def !== undefined ? fmt(def) : '-'} (max ${max !== undefined ? fmt(max) : '-'})`;
  const rows = services.map((s) => [
    s.id, range(s.defaultVcpu, s.maxVcpu), range(s.defaultMemory, s.maxMemory, formatMb),
    range(s.defaultLifetime, s.maxLifetime, (n) => formatDuration(n * 1000)), s.preemptMode ?? '-',
    (s.repositories ?? []).map(repositoryName).join(', ') || '-', truncate(s.description ?? '', 60),
  ]);
  return renderTable(['SERVICE', 'VCPU', 'MEMORY', 'LIFETIME', 'PREEMPT', 'REPOSITORIES', 'DESCRIPTION'], rows,
    (s) => paint('bold', s));
}

const repositoryName = (repo: unknown): string => {
  if (typeof repo === 'string') return repo;
  const r = repo as { id?: unknown; name?: unknown; mountPoint?: unknown; path?: unknown };
  return String(r.id ?? r.name ?? r.mountPoint ?? r.path ?? JSON.stringify(repo));
};
