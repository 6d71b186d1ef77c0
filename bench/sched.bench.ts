/**
 * Planning time and memory of the scheduling core for (hosts, waiting jobs) =
 * (1,000, 1,000), (2,500, 10,000), (10,000, 100,000), each without tenants and with 50 (the
 * sharing phase: fair order, limits, reclaim): a mix of requirement expressions,
 * ranks, both classes, auto NICs and best-effort jobs to preempt. Run: npx tsx bench/sched.bench.ts
 *
 * Both rows of a size plan the very same job objects (each with its tenant and user, which
 * plan() reads only with `sharing`), their runs in one shuffled order: the difference between
 * them is the sharing phase's alone. Copies of the jobs made for one row only cost the planner 8–15 %
 * by their place in memory, with or without sharing (measured), which the comparison would
 * otherwise count as the phase's.
 *
 * Three figures per row, CPU time of the plan alone:
 * - `after a GC`: V8 ran a full (mark-compact) collection of its own since the last plan, made
 *   by allocating garbage between plans, as reading the queue does between two ticks. The
 *   previous plan's objects are gone; the hidden classes its code was optimised for are kept
 *   (V8 retains them for a few full collections, `--retain-maps-for-n-gc`), so most of the code
 *   is still optimised.
 * - `warm`: plans back to back, no GC asked for (those the plans bring about land inside them,
 *   on whichever row's plan crosses V8's limit: hence the shuffled order).
 * - `after a forced GC`: each plan after `global.gc()`, which is also when the heap figure is
 *   read. No tick forces a GC. After that one the previous plan's hidden classes are gone, and
 *   with them every optimised function that embedded one of them (`--trace-deopt-verbose`:
 *   "weak objects"), so the plan runs partly unoptimised while V8 compiles again 220 (without
 *   tenants) to 340 (with them) functions. The same plans after a full GC of V8's own but with
 *   `--retain-maps-for-n-gc=0` are as slow (measured).
 */
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { plan } from '../lib/sched';
import { DEFAULT_POLICY } from '../lib/sched/policy';
import type { QueuedJob, RankMode, RunningJob, SharingInput } from '../lib/sched/contract';
import type { Snapshot } from '../lib/sched/snapshot';
import { benchQueue, benchRunning, benchSnapshot, benchTenants, rng } from './schedFixture';

export const SIZES: ReadonlyArray<readonly [number, number]> = [[1_000, 1_000], [2_500, 10_000], [10_000, 100_000]];

export interface SchedBenchRow {
  hosts: number;
  jobs: number;
  rankMode: RankMode;
  tenants: number;
  ms: number;
  cpuMs: number;
  placed: number;
  preempted: number;
  waiting: number;
  rssMb: number;
  heapMb: number;
}

export const TENANTS = 50;

/** One input per size, with its tenants (used only by the rows with tenants). */
export function fixture(hosts: number, jobs: number): { snapshot: Snapshot; queue: QueuedJob[]; running: RunningJob[]; sharing: SharingInput } {
  const snapshot = benchSnapshot(hosts);
  return { snapshot, ...benchTenants(TENANTS, benchQueue(jobs), benchRunning(snapshot)) };
}

/** What happens between two plans (see the header). */
export type Before = 'forced GC' | 'GC' | 'nothing';

export function measure(hosts: number, jobs: number, rankMode: RankMode, tenants = 0, input = fixture(hosts, jobs), before: Before = 'forced GC'): SchedBenchRow {
  const { snapshot, queue, running } = input;
  const sharing = tenants > 0 ? input.sharing : undefined;
  if (before === 'forced GC') global.gc?.();
  else if (before === 'GC') fullGcOfItsOwn();
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const p = plan({ snapshot, queue, running, policy: { ...DEFAULT_POLICY, rankMode }, now: 10_000, ...(sharing ? { sharing } : {}) });
  const cpu = process.cpuUsage(c0);
  const ms = performance.now() - t0;
  const mem = process.memoryUsage();
  return {
    hosts, jobs, rankMode, tenants, ms: Math.round(ms), cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    placed: p.actions.filter((a) => a.type === 'deploy' || a.type === 'resume').length,
    preempted: p.actions.filter((a) => a.type === 'preempt').length,
    waiting: p.waiting.size,
    rssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    heapMb: Math.round(Math.max(mem.heapUsed, heapBefore) / 1048576),
  };
}

/**
 * Allocates short-lived garbage until V8 runs a full collection of its own (old space shrinks):
 * a window of live objects is kept, so that they outlive young-generation collections and fill
 * the old generation, then let go.
 */
export function fullGcOfItsOwn(): void {
  const oldSpace = () => v8.getHeapSpaceStatistics().find((sp) => sp.space_name === 'old_space')!.space_used_size;
  const window: object[][] = [];
  let last = oldSpace();
  for (let n = 0; n < 20_000; n++) {
    const chunk: object[] = [];
    for (let k = 0; k < 10_000; k++) chunk.push({ k });
    window.push(chunk);
    if (window.length > 40) window.shift();
    const now = oldSpace();
    if (now < last - 8 * 1048576) return;
    last = now;
  }
  throw new Error('no full GC came after 200 million objects');
}

/** `runs` zeros and `runs` ones, shuffled (Fisher–Yates). */
function shuffled(runs: number, r: () => number): (0 | 1)[] {
  const out: (0 | 1)[] = [...Array<0>(runs).fill(0), ...Array<1>(runs).fill(1)];
  for (let k = out.length - 1; k > 0; k--) {
    const m = Math.floor(r() * (k + 1));
    [out[k], out[m]] = [out[m]!, out[k]!];
  }
  return out;
}

/** Runs per configuration: this machine is shared (its two cores are virtual), so the best and the median of several runs say more than one. SCHED_BENCH_RUNS sets them. */
const RUNS = Number(process.env.SCHED_BENCH_RUNS ?? 5);

export async function run(): Promise<void> {
  const rows: Record<string, number | string>[] = [];
  for (const [h, j] of SIZES) {
    const input = fixture(h, j);
    for (const mode of ['opennebula', 'dynamic'] as const) {
      // Without and with tenants in a shuffled order (seeded), so that both meet the same states
      // of the machine, and the GCs the plans bring about, which come at a period of their own,
      // fall on both rows alike (taken in strict turn, a period of two or four plans lands every
      // full GC on the same row).
      const r = rng(h + j);
      const order = shuffled(2 * RUNS, r);
      const forced: [SchedBenchRow[], SchedBenchRow[]] = [[], []];
      const afterGc: [number[], number[]] = [[], []];
      const warm: [number[], number[]] = [[], []];
      for (const n of shuffled(RUNS, r)) forced[n].push(measure(h, j, mode, n * TENANTS, input, 'forced GC'));
      for (const n of order) afterGc[n].push(measure(h, j, mode, n * TENANTS, input, 'GC').cpuMs);
      for (const n of order) warm[n].push(measure(h, j, mode, n * TENANTS, input, 'nothing').cpuMs);
      const best = (xs: number[]): number => Math.min(...xs);
      const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
      const vs = (x: number, none: number): string => (x / none).toFixed(2);
      for (const n of [0, 1] as const) {
        const f = forced[n];
        const fastest = [...f].sort((x, y) => x.cpuMs - y.cpuMs)[0]!;
        rows.push({
          hosts: h, jobs: j, rank: mode, tenants: fastest.tenants,
          'after a GC, best': best(afterGc[n]), 'vs none': vs(best(afterGc[n]), best(afterGc[0])),
          'median': median(afterGc[n]), 'median vs none': vs(median(afterGc[n]), median(afterGc[0])),
          'warm, best': best(warm[n]), 'warm vs none': vs(best(warm[n]), best(warm[0])), 'warm median': median(warm[n]),
          'forced GC, best': fastest.cpuMs, 'forced vs none': vs(fastest.cpuMs, best(forced[0].map((r) => r.cpuMs))),
          placed: fastest.placed, preempted: fastest.preempted, waiting: fastest.waiting,
          'peak rss MB': Math.max(...f.map((r) => r.rssMb)), 'heap MB': fastest.heapMb,
        });
      }
    }
  }
  console.log(`scheduling core: plan(), CPU ms; ${RUNS} runs after a forced GC, ${2 * RUNS} after a GC of V8's own, ${2 * RUNS} warm; without and with tenants in a shuffled order`);
  console.table(rows);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
