/**
 * Capacity arithmetic in OpenNebula's units and roundings.
 */
import type { Cluster, Datastore, Host } from './snapshot';
import { nodesAt, readInt, textAt } from './xmlPath';

/**
 * CPU share of a VM: `(int)(cpu * 100)` computed in single precision, as the rank placer does
 * (VirtualMachineXML::get_capacity, `float cpu`), so 0.29 CPU asks 29, not 28.
 */
export function cpuShare(cpu: number): number {
  return Math.trunc(Math.fround(Math.fround(cpu) * 100));
}

/** Memory of a VM in KB (MEMORY is an integer number of MB). */
export function memoryKb(memoryMb: number): number {
  return Math.trunc(memoryMb) * 1024;
}

/**
 * System datastore need: disks plus MEMORY × MEMORY_SYSTEM_DS_SCALE, truncated as the
 * `long long += float` of VirtualMachineXML::init_storage_usage does.
 */
export function systemDsNeedMb(diskMb: number, memoryMb: number, scale: number): number {
  const extra = memoryMb > 0 && scale >= 0 ? Math.fround(Math.trunc(memoryMb) * Math.fround(scale)) : 0;
  return Math.trunc(diskMb + extra);
}

/**
 * One reserved metric as oned applies it (src/host/HostShare.cc set_reserved_metric): empty
 * means none; "N%" reserves N percent of the total; "N" reserves N units; negative values
 * overcommit. Only integers are read; anything unreadable leaves the total unreserved.
 */
export function reservedMetric(total: number, reserved: string): number {
  let r = reserved;
  if (r === '') return Math.trunc(total);
  r = r.replace(/\s+$/, '');
  let percent = false;
  if (r.endsWith('%')) {
    percent = true;
    r = r.slice(0, -1);
  }
  const m = /^\s*([+-]?\d+)$/.exec(r);
  if (!m) return Math.trunc(total);
  const value = Number(m[1]);
  return percent ? Math.trunc(total * (1 - value / 100)) : Math.trunc(total - value);
}

export interface HostCapacity {
  readonly maxCpu: number;
  readonly maxMem: number;
}

/** MAX_CPU / MAX_MEM of a host; with `applyReserved`, recomputed from the totals (host RESERVED_* over the cluster's). */
export function hostCapacity(host: Host, cluster: Cluster | undefined, applyReserved: boolean): HostCapacity {
  if (!applyReserved || (host.share.totalCpu === 0 && host.share.totalMem === 0)) {
    return { maxCpu: host.share.maxCpu, maxMem: host.share.maxMem };
  }
  const rcpu = host.reservedCpu !== '' ? host.reservedCpu : cluster?.reservedCpu ?? '';
  const rmem = host.reservedMem !== '' ? host.reservedMem : cluster?.reservedMem ?? '';
  return {
    maxCpu: reservedMetric(host.share.totalCpu, rcpu),
    maxMem: reservedMetric(host.share.totalMem, rmem),
  };
}

/**
 * Free MB of a host-local (non-shared) system datastore: HOST_SHARE/DATASTORES/DS[ID]/FREE_MB,
 * else HOST_SHARE/DATASTORES/FREE_DISK (HostXML test_ds_capacity).
 */
export function hostLocalDsFree(host: Host): { readonly byDs: ReadonlyMap<number, number>; readonly fallback: number } {
  const byDs = new Map<number, number>();
  const ids = nodesAt(host.xml, 'HOST_SHARE/DATASTORES/DS/ID');
  const frees = nodesAt(host.xml, 'HOST_SHARE/DATASTORES/DS/FREE_MB');
  for (let i = 0; i < ids.length && i < frees.length; i++) byDs.set(readInt(ids[i].text, -1), readInt(frees[i].text, 0));
  return { byDs, fallback: readInt(textAt(host.xml, 'HOST_SHARE/DATASTORES/FREE_DISK'), 0) };
}

/**
 * Free MB of a datastore as the placer sees it: FREE_MB, or LIMIT_MB − USED_MB (at least 0)
 * when the template sets LIMIT_MB; "monitored" when any of FREE/TOTAL/USED is non-zero.
 */
export function datastoreFree(ds: Datastore): { readonly freeMb: number; readonly monitored: boolean } {
  const monitored = ds.freeMb !== 0 || ds.totalMb !== 0 || ds.usedMb !== 0;
  const limit = textAt(ds.xml, 'TEMPLATE/LIMIT_MB');
  if (limit !== undefined && /^\s*[+-]?\d/.test(limit)) {
    return { freeMb: Math.max(0, readInt(limit, 0) - ds.usedMb), monitored };
  }
  return { freeMb: ds.freeMb, monitored };
}
