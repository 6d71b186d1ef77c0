/**
 * Backfill: what may start past the first job in queue order that waits for room.
 *
 *  - greedy: anything that fits starts (OpenNebula's placer; nothing here applies).
 *  - none:   strict order; past the first job waiting for room, every job waits (FIFO).
 *  - easy:   EASY backfilling (Lifka, "The ANL/IBM SP scheduling system", 1995; Mu'alem and
 *            Feitelson, IEEE TPDS 12(6), 2001). The first job waiting for room gets a
 *            reservation: the host and the earliest instant where it fits once running jobs end
 *            at their expected ends (lifetimes, estimates), jobs placed earlier in this plan
 *            included. A later job may still start on any other host; on the reserved host only
 *            when it is expected to end by the reservation, or when it fits in the room the
 *            reserved job leaves over there at that instant ("extra" room, booked as jobs take it).
 *            With exact estimates the reserved job starts no later than its reservation.
 *
 * Only jobs waiting for room (capacity, or room taken earlier in this plan) block or reserve:
 * one that matches no host would block for ever. Preemption keeps its priority: a prod job
 * preempts as before (the reservation filter is not among the preemption filters); the
 * reservation is a filter on placements only. A running job without an expected end holds its
 * room for ever here: a job that only fits once such jobs end gets no reservation, and backfill
 * then stays greedy for that plan (its reason says so).
 */
import type { Ledger } from './ledger';
import { PASS, type HostFilter, type PreparedJob, type RejectCode } from './filter';
import { cpuShare, memoryKb } from './capacity';
import type { Backfill, RunningJob, ShadowOf, WaitReason } from './contract';

const WAITING_FOR_ROOM = new Set<string>(['capacity.cpu', 'capacity.memory', 'capacity.cpuAndMemory', 'queue.behind', 'capacity.dispatchLimit']);

interface Ending {
  readonly at: number;
  readonly cpu: number;
  readonly mem: number;
}

export interface Reservation {
  readonly jobId: string;
  readonly hostIndex: number;
  /** When the job is due to fit (ms). */
  readonly at: number;
  /** Jobs there that end by then. */
  readonly ending: number;
  extraCpu: number;
  extraMem: number;
}

export interface Backfiller {
  /** Host filter keeping the reserved host for its job (passes everything without a reservation). */
  readonly filter: HostFilter;
  /** A reason to wait without a search (strict order past a job waiting for room), or none. */
  blocked(): WaitReason | undefined;
  /** Part of the failure cache's key: whether the job may use the reserved host depends on its end. */
  cacheKey(job: PreparedJob): string;
  /** A job found no room: the first waiting for room blocks (none) or gets a reservation (easy); the reason to give. */
  waited(job: PreparedJob, why: WaitReason, rejected: ReadonlyMap<RejectCode, number>): WaitReason;
  /** A job was placed: its room counts against the reservation; the reservation it started beside, if any. */
  placed(job: PreparedJob, hostIndex: number): ShadowOf | undefined;
  readonly reservation: Reservation | undefined;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "14:05 UTC" on the plan's day, else "2024-01-02 14:05 UTC" (from the given instant, no clock read). */
export function clockTime(at: number, now: number): string {
  const iso = new Date(at).toISOString();
  const sameDay = iso.slice(0, 10) === new Date(now).toISOString().slice(0, 10);
  return `${sameDay ? '' : `${iso.slice(0, 10)} `}${iso.slice(11, 16)} UTC`;
}

export function createBackfiller(mode: Backfill, ledger: Ledger, running: readonly RunningJob[], ended: ReadonlySet<string>, now: number): Backfiller {
  let blocker: PreparedJob | undefined;
  let reservation: Reservation | undefined;
  /** Expected ends per host index: running jobs, then jobs placed by this plan. Sorted when read. */
  const ends = new Map<number, Ending[]>();
  const addEnd = (i: number, e: Ending): void => {
    const list = ends.get(i);
    if (list) list.push(e);
    else ends.set(i, [e]);
  };
  if (mode === 'easy') {
    for (const r of running) {
      const i = ledger.hostIndexById.get(r.hostId);
      if (i === undefined || r.state !== 'RUNNING' || ended.has(r.id) || r.expectedEndAt === undefined) continue;
      // A job past its expected end is taken to end now (it should have).
      addEnd(i, { at: Math.max(now, r.expectedEndAt), cpu: cpuShare(r.cpu), mem: memoryKb(r.memoryMb) });
    }
  }
  const endOf = (job: PreparedJob): number | undefined =>
    job.job.runtimeEstimate === undefined ? undefined : now + job.job.runtimeEstimate * 1000;
  const endsBy = (job: PreparedJob, at: number): boolean => {
    const end = endOf(job);
    return end !== undefined && end <= at;
  };

  const filter: HostFilter = {
    kind: 'host',
    name: 'reservation',
    check(_ctx, job, i) {
      const r = reservation;
      if (!r || i !== r.hostIndex || job.kind === 'resumeSuspended') return PASS;
      if (endsBy(job, r.at) || (job.cpu <= r.extraCpu && job.mem <= r.extraMem)) return PASS;
      return { ok: false, reason: { code: 'reservation' } };
    },
  };

  /** The earliest (instant, host) where the job fits once expected ends free room; undefined when none is known. */
  function reserve(job: PreparedJob): Reservation | undefined {
    let best: Reservation | undefined;
    for (const i of job.group?.hosts ?? []) {
      const book = ledger.hosts[i];
      if (job.excluded.has(book.host.id) || book.maxCpu < job.cpu || book.maxMem < job.mem) continue;
      let cpu = ledger.freeCpu(i);
      let mem = ledger.freeMem(i);
      const list = (ends.get(i) ?? []).slice().sort((a, b) => a.at - b.at);
      let k = 0;
      let at = now;
      while ((cpu < job.cpu || mem < job.mem) && k < list.length) {
        at = list[k].at;
        // Every job ending at that same instant frees its room at once.
        while (k < list.length && list[k].at === at) {
          cpu += list[k].cpu;
          mem += list[k].mem;
          k++;
        }
      }
      if (cpu < job.cpu || mem < job.mem) continue;
      if (best && (at > best.at || (at === best.at && book.host.id > ledger.hosts[best.hostIndex].host.id))) continue;
      best = { jobId: job.job.id, hostIndex: i, at, ending: k, extraCpu: cpu - job.cpu, extraMem: mem - job.mem };
    }
    return best;
  }

  const shadowOf = (r: Reservation): ShadowOf => {
    const host = ledger.hosts[r.hostIndex].host;
    return { jobId: r.jobId, hostId: host.id, hostName: host.name, from: r.at };
  };

  return {
    filter,
    get reservation() { return reservation; },
    blocked() {
      if (mode !== 'none' || !blocker) return undefined;
      const b = blocker.job;
      return {
        code: 'queue.blocked',
        message: `waits in order behind job ${b.id}, first in line and waiting for room (backfill is none: nothing starts past it).`,
        details: { firstInLine: b.id },
      };
    },
    cacheKey(job) {
      return reservation ? `|r${endsBy(job, reservation.at) ? 1 : 0}` : '';
    },
    waited(job, why, rejected) {
      if (mode === 'greedy' || job.kind === 'resumeSuspended' || job.kind === 'migrate') return why;
      if (reservation && rejected.has('reservation')) {
        const s = shadowOf(reservation);
        const est = job.job.runtimeEstimate;
        return {
          code: 'queue.reserved',
          message: `host ${s.hostName} is reserved from ${clockTime(s.from, now)} for job ${s.jobId}, first in line; this job would not end by then${est === undefined ? ' (no runtime estimate)' : ` (estimate ${est} s)`} nor fit beside it, and no other host has room.`,
          details: { ...why.details, reservedFor: s.jobId, hostId: s.hostId, from: s.from },
        };
      }
      if (blocker || !WAITING_FOR_ROOM.has(why.code)) return why;
      blocker = job;
      if (mode === 'none') return why;
      reservation = reserve(job);
      if (!reservation) {
        return { ...why, message: `${why.message} No reservation: the jobs running where it fits have no expected end (lifetime or estimate).` };
      }
      const s = shadowOf(reservation);
      return {
        code: 'queue.firstInLine',
        message: `first in line: host ${s.hostName} reserved from ${clockTime(s.from, now)} (${plural(reservation.ending, 'job')} running there end by then).`,
        details: { ...why.details, hostId: s.hostId, from: s.from, ending: reservation.ending },
      };
    },
    placed(job, i) {
      if (mode !== 'easy') return undefined;
      const end = endOf(job);
      if (end !== undefined) addEnd(i, { at: end, cpu: job.cpu, mem: job.mem });
      const r = reservation;
      if (!r) return undefined;
      if (i === r.hostIndex && !endsBy(job, r.at) && job.kind !== 'resumeSuspended') {
        r.extraCpu -= job.cpu;
        r.extraMem -= job.mem;
      }
      return shadowOf(r);
    },
  };
}
