/**
 * From a trace to a cloud (stated in the report, every option on the command line):
 *  - the machine becomes `hosts` hosts of `hostCpus` vCPU each; by default one host with all of
 *    MaxProcs: the SP2's nodes are interchangeable for a rigid job, so one pool of MaxProcs vCPU
 *    has the machine's shape for a scheduler that allocates processor counts;
 *  - processors → vCPU (allocated, else requested); a job larger than the cloud is scaled down to
 *    it; a job larger than a host is split into parts of at most a host (or scaled to a host);
 *  - memory: the trace's (requested, else used) KB per processor when known, at most
 *    `memoryPerCpuMb` per vCPU, else `memoryPerCpuMb` per vCPU (hosts get as much per vCPU);
 *  - user (or group) → tenant; a seeded share of tenants is best-effort, the others prod;
 *  - requested time → the runtime estimate, and also the lifetime (the machines killed a job at
 *    its requested time) unless `limit` is off;
 *  - run time unknown (-1) or no processors known: dropped, counted.
 */
import type { SwfLog } from './swf';
import { classOfTenant, sortJobs, type SimJob, type Workload } from './workload';
import type { Random } from './prng';

export interface TraceMapping {
  /** Hosts and their size; absent: one host of MaxProcs (or `hosts` hosts sharing MaxProcs). */
  readonly hosts?: number;
  readonly hostCpus?: number;
  readonly memoryPerCpuMb: number;
  /** Jobs larger than a host: split into parts (each runs the whole run time) or scaled to a host. */
  readonly oversize: 'split' | 'scale';
  readonly tenantBy: 'user' | 'group';
  readonly beffFraction: number;
  /** Requested time is also the lifetime (the job is ended there). */
  readonly limit: boolean;
  /** Only jobs [from, from + count) of the log, in its order (a slice of the trace). */
  readonly from?: number;
  readonly count?: number;
}

export const DEFAULT_TRACE_MAPPING: TraceMapping = { memoryPerCpuMb: 2048, oversize: 'split', tenantBy: 'user', beffFraction: 0.3, limit: true };

export function traceWorkload(log: SwfLog, name: string, m: TraceMapping, random: Random): Workload {
  const maxProcs = log.maxProcs ?? log.jobs.reduce((m, j) => Math.max(m, j.procs, j.reqProcs), 1);
  const hostCpus = m.hostCpus ?? Math.ceil(maxProcs / (m.hosts ?? 1));
  const hosts = m.hosts ?? Math.ceil(maxProcs / hostCpus);
  const total = hosts * hostCpus;
  const counts: Record<string, number> = {};
  const count = (label: string, n = 1): void => { counts[label] = (counts[label] ?? 0) + n; };
  const from = m.from ?? 0;
  const slice = log.jobs.slice(from, m.count !== undefined ? from + m.count : undefined);
  const t0 = slice.reduce((m, j) => Math.min(m, j.submit), slice.length > 0 ? Infinity : 0);
  const tenantOf = (j: (typeof slice)[number]): string => (m.tenantBy === 'user' ? `u${j.user}` : `g${j.group}`);
  const classes = classOfTenant(slice.map(tenantOf), m.beffFraction, random);
  const jobs: SimJob[] = [];
  for (const j of slice) {
    let procs = j.procs > 0 ? j.procs : j.reqProcs;
    if (j.runTime < 0) { count('dropped: run time unknown (-1)'); continue; }
    if (!(procs > 0)) { count('dropped: no processor count'); continue; }
    if (j.runTime === 0) count('kept: run time 0 (bounded slowdown counts it as τ)');
    if (procs > total) { count(`scaled: more processors than the cloud's ${total} vCPU (scaled to it)`); procs = total; }
    let parts = [procs];
    if (procs > hostCpus) {
      if (m.oversize === 'scale') { count(`scaled: larger than a host (${hostCpus} vCPU), scaled to one host`); parts = [hostCpus]; } else {
        const k = Math.ceil(procs / hostCpus);
        count(`split: larger than a host (${hostCpus} vCPU), into ${k} parts`);
        parts = Array.from({ length: k }, (_, i) => (i < k - 1 ? hostCpus : procs - hostCpus * (k - 1)));
      }
    }
    const memKb = j.reqMemKb > 0 ? j.reqMemKb : j.usedMemKb > 0 ? j.usedMemKb : -1;
    if (memKb > m.memoryPerCpuMb * 1024) count(`memory clipped to ${m.memoryPerCpuMb} MB per vCPU`);
    const estimate = j.reqTime > 0 ? j.reqTime : undefined;
    if (estimate === undefined) count('no requested time: no estimate, no lifetime');
    else if (m.limit && j.runTime > estimate) count('ran past its requested time in the log: ended at it here (lifetime)');
    const tenant = tenantOf(j);
    const id = `j${j.number}`;
    parts.forEach((cpu, i) => {
      const perCpu = memKb > 0 ? Math.min(m.memoryPerCpuMb, Math.ceil(memKb / 1024)) : m.memoryPerCpuMb;
      jobs.push({
        id: parts.length > 1 ? `${id}.${i}` : id,
        submit: j.submit - t0,
        work: j.runTime,
        estimate,
        lifetime: m.limit ? estimate : undefined,
        cpu,
        memoryMb: cpu * perCpu,
        tenant,
        class: classes.get(tenant)!,
        priority: 0,
        realWait: j.wait >= 0 ? j.wait : undefined,
        parent: parts.length > 1 ? id : undefined,
      });
    });
  }
  const start = Number(log.header.UnixStartTime);
  const tenants = new Set(jobs.map((j) => j.tenant));
  const beffTenants = [...classes.values()].filter((c) => c === 'beff').length;
  const mapping = [
    `trace: ${name} (${log.header.Computer ?? 'machine'}${log.header.Installation ? `, ${log.header.Installation}` : ''}), jobs ${from + 1}–${from + slice.length} of ${log.jobs.length}`,
    `cloud: ${hosts} host${hosts === 1 ? '' : 's'} × ${hostCpus} vCPU, ${hostCpus * m.memoryPerCpuMb} MB each (MaxProcs ${maxProcs}${log.maxNodes ? `, MaxNodes ${log.maxNodes}` : ''})`,
    `processors → vCPU (allocated, else requested); larger than a host: ${m.oversize === 'split' ? 'split into parts of at most a host, each running the whole run time' : 'scaled to a host'}`,
    `memory: the trace's KB per processor when known, at most ${m.memoryPerCpuMb} MB per vCPU; else ${m.memoryPerCpuMb} MB per vCPU`,
    `tenant: the ${m.tenantBy} (${tenants.size} tenants); ${beffTenants} of ${classes.size} tenants best-effort (fraction ${m.beffFraction}, seeded), the others prod`,
    `requested time → runtime estimate${m.limit ? ' and lifetime (the job is ended at it, as the machine did)' : ' only (not enforced)'}`,
  ];
  return {
    name, jobs: sortJobs(jobs), cloud: { hosts, hostCpus, hostMemoryMb: hostCpus * m.memoryPerCpuMb }, mapping, counts,
    startUnix: Number.isFinite(start) && start > 0 ? start : undefined, acknowledge: log.header.Acknowledge, source: name,
  };
}
