/**
 * Invariants of the replay on a slice of a real trace and on synthetic workloads: every job
 * ends; no host ever runs more than it has (checked from the VMs' time on hosts, not from the
 * engine's own counters); with exact estimates a reserved job starts no later than its
 * reservation; no job runs past its lifetime; requeue loses exactly the work since the
 * checkpoint, stop and suspend lose none. Full replays are `npm run simulate`, not tests.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMING, simulate, type SimResult, type SimTiming } from '../../lib/replay/engine';
import { figures } from '../../lib/replay/metrics';
import { POLICIES, replayPlannerPolicy } from '../../lib/replay/policies';
import { mulberry32 } from '../../lib/replay/prng';
import { parseSwf, readSwf } from '../../lib/replay/swf';
import { DEFAULT_SYNTHETIC, syntheticWorkload } from '../../lib/replay/synthetic';
import { DEFAULT_TRACE_MAPPING, traceWorkload } from '../../lib/replay/trace';
import type { Workload } from '../../lib/replay/workload';

// The traces sit beside the repository (../shared), as in CI's checkout.
const TRACE = path.resolve(__dirname, '../../../shared/traces/KTH-SP2-1996-2.1-cln.swf.gz');
const START = Date.UTC(2024, 0, 1);
const base = replayPlannerPolicy('striping');

const run = (w: Workload, policy: string, timing: SimTiming = DEFAULT_TIMING): SimResult =>
  simulate(w, { policy: POLICIES[policy], timing, base, startMs: START });

/** KTH-SP2, 300 jobs from the middle of the log, on 4 hosts of 25 vCPU (larger jobs split). */
let log: ReturnType<typeof readSwf> | undefined;
const slice = (): Workload => traceWorkload((log ??= readSwf(TRACE)), 'KTH-SP2 slice', { ...DEFAULT_TRACE_MAPPING, hosts: 4, from: 10_000, count: 300, beffFraction: 0.4 }, mulberry32(7));
const synthetic = (seed: number, overestimate = 4): Workload => syntheticWorkload({
  ...DEFAULT_SYNTHETIC, jobs: 250, load: 0.95, beffFraction: 0.4, overestimate, maxRun: 20_000, cloud: { hosts: 3, hostCpus: 16, hostMemoryMb: 32_768 },
}, mulberry32(seed));

/** Most vCPU and memory in use on any host at any instant, from the VMs' time on hosts (ends before starts at one instant). */
function peakUse(r: SimResult): { cpu: number; mem: number } {
  const events = r.segments.flatMap((s) => [[s.start, 1, s] as const, [s.end, -1, s] as const])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cpu = new Map<number, number>();
  const mem = new Map<number, number>();
  let peak = { cpu: 0, mem: 0 };
  for (const [, sign, s] of events) {
    cpu.set(s.host, (cpu.get(s.host) ?? 0) + sign * s.cpu);
    mem.set(s.host, (mem.get(s.host) ?? 0) + sign * s.memoryMb);
    peak = { cpu: Math.max(peak.cpu, cpu.get(s.host)!), mem: Math.max(peak.mem, mem.get(s.host)!) };
  }
  return peak;
}

function expectCommonInvariants(r: SimResult): void {
  const { cloud } = r.workload;
  // Every job ends, and the report counts them all.
  expect(r.records.filter((x) => x.state !== 'done').map((x) => x.job.id)).toEqual([]);
  expect(figures(r).finished).toBe(figures(r).jobs);
  // Capacity.
  const peak = peakUse(r);
  expect(peak.cpu).toBeLessThanOrEqual(cloud.hostCpus);
  expect(peak.mem).toBeLessThanOrEqual(cloud.hostMemoryMb);
  expect(peak.cpu).toBeGreaterThan(0);
  for (const x of r.records) {
    // The lifetime (here the estimate) is never exceeded: run time over all segments stays within it.
    if (x.job.lifetime !== undefined) expect(x.ran).toBeLessThanOrEqual(x.job.lifetime + 1e-6);
    // Work is conserved: what ran was kept or lost; a completed job kept all of its work.
    expect(x.kept + x.lost).toBeCloseTo(x.ran, 6);
    if (x.outcome === 'completed') expect(x.kept).toBeCloseTo(x.job.work, 6);
    if (x.outcome === 'expired') expect(x.ran).toBeCloseTo(x.job.lifetime!, 6);
  }
}

/**
 * Work each preemption threw away or kept, from the VMs' time on hosts: every segment but a
 * job's last was ended by a preemption. A segment starts with a boot (first start, or again
 * after a requeue) or a resume (after stop or suspend); one ended by stop or suspend ends with a save.
 */
function preemptedSegments(r: SimResult, timing: SimTiming): { lost: number; saved: number } {
  const byJob = new Map<string, SimResult['segments'][number][]>();
  for (const s of r.segments) byJob.set(s.id, [...(byJob.get(s.id) ?? []), s]);
  let lost = 0;
  let saved = 0;
  for (const segs of byJob.values()) {
    segs.slice(0, -1).forEach((s, k) => {
      const dur = (s.end - s.start) / 1000;
      if (r.policy.preemptMode === 'requeue') lost += Math.max(0, dur - timing.boot);
      else saved += Math.max(0, dur - (k === 0 ? timing.boot : timing.resume) - timing.save);
    });
  }
  return { lost, saved };
}

describe('replay', () => {
  it('reads SWF header and job lines, and names a bad line', () => {
    const log = parseSwf('; MaxProcs: 8\n; Acknowledge: someone\n 1 0 5 100 4 -1 -1 4 200 -1 1 3 1 -1 1 -1 -1 -1\n');
    expect(log.maxProcs).toBe(8);
    expect(log.header.Acknowledge).toBe('someone');
    expect(log.jobs[0]).toMatchObject({ number: 1, submit: 0, wait: 5, runTime: 100, procs: 4, reqTime: 200, user: 3 });
    expect(() => parseSwf('1 2 3\n', 'x.swf')).toThrow(/x.swf line 1: a job line has 18 numeric fields, this one has 3/);
  });

  it('maps a trace slice to a cloud and counts every job it changed', () => {
    const w = slice();
    const parts = w.jobs.filter((j) => j.parent !== undefined).length;
    const splitCount = Object.entries(w.counts).filter(([k]) => k.startsWith('split')).reduce((s, [, v]) => s + v, 0);
    const traceJobs = new Set(w.jobs.map((j) => j.parent ?? j.id)).size;
    const dropped = Object.entries(w.counts).filter(([k]) => k.startsWith('dropped')).reduce((s, [, v]) => s + v, 0);
    expect(traceJobs + dropped).toBe(300);
    expect(splitCount === 0).toBe(parts === 0);
    expect(Math.max(...w.jobs.map((j) => j.cpu))).toBeLessThanOrEqual(25);
  });

  for (const policy of ['fifo', 'greedy', 'easy', 'requeue', 'stop', 'suspend']) {
    it(`keeps its invariants on a trace slice and a synthetic workload: ${policy}`, () => {
      for (const w of [slice(), synthetic(3)]) expectCommonInvariants(run(w, policy));
    });
  }

  it('requeue loses exactly the work since the checkpoint; stop and suspend lose none and keep it', () => {
    const w = synthetic(5);
    const requeue = run(w, 'requeue');
    const r = preemptedSegments(requeue, DEFAULT_TIMING);
    expect(figures(requeue).preemptions).toBeGreaterThan(0);
    expect(figures(requeue).workLostSeconds).toBeCloseTo(r.lost, 3);
    expect(r.lost).toBeGreaterThan(0);
    for (const mode of ['stop', 'suspend']) {
      const s = run(w, mode);
      const f = figures(s);
      expect(f.preemptions).toBeGreaterThan(0);
      expect(f.workLostSeconds).toBe(0);
      expect(f.workSavedSeconds).toBeCloseTo(preemptedSegments(s, DEFAULT_TIMING).saved, 3);
    }
  });

  it('with exact estimates, a reserved job starts no later than its reservation', () => {
    // Exact estimates, no delays, a tick at every completion: the conditions of EASY's guarantee.
    const exact = (w: Workload): Workload => ({ ...w, jobs: w.jobs.map((j) => ({ ...j, estimate: j.work, lifetime: j.work, class: 'prod' as const })) });
    const timing: SimTiming = { ...DEFAULT_TIMING, kick: 0, boot: 0, save: 0, resume: 0 };
    let reserved = 0;
    for (const w of [exact(slice()), exact(synthetic(9, 1))]) {
      const r = run(w, 'easy', timing);
      expectCommonInvariants(r);
      for (const x of r.records) {
        if (x.reservedAt === undefined) continue;
        reserved++;
        expect(x.firstStart!).toBeLessThanOrEqual(x.reservedAt);
      }
    }
    expect(reserved).toBeGreaterThan(10);
  });
});
