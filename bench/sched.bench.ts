/**
 * Planning time and memory of the scheduling core for (hosts, waiting jobs) =
 * (1,000, 1,000), (2,500, 10,000), (10,000, 100,000), each without tenants and with 50 (the
 * sharing phase: fair order, limits, reclaim): a mix of requirement expressions,
 * ranks, both classes, auto NICs and best-effort jobs to preempt. Run: npx tsx bench/sched.bench.ts
 *
 * Both rows of a size plan the very same job objects (each with its tenant and user, which
 * plan() reads only with `sharing`), their runs taken in turn: the difference between them is
 * the sharing phase's alone. Copies of the jobs made for one row only cost the planner 8–15 %
 * by their place in memory, with or without sharing (measured), which the comparison would
 * otherwise count as the phase's.
 *
 * Two figures per row. `cpu ms (best)`: a full GC is forced before each plan (for the heap
 * figure), and it makes V8 drop much of the planner's optimised code (220–340 functions are
 * optimised again in each such plan, counted with --trace-opt), so this is a plan with a
 * part-cold JIT. `warm ms (best)`: plans back to back in one process with no
 * forced GC, as a tick runs in a warm Lambda between full GCs.
 */
import { pathToFileURL } from 'node:url';
import { plan } from '../lib/sched';
import { DEFAULT_POLICY } from '../lib/sched/policy';
import type { QueuedJob, RankMode, RunningJob, SharingInput } from '../lib/sched/contract';
import type { Snapshot } from '../lib/sched/snapshot';
import { benchQueue, benchRunning, benchSnapshot, benchTenants } from './schedFixture';

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

export function measure(hosts: number, jobs: number, rankMode: RankMode, tenants = 0, input = fixture(hosts, jobs), collect = true): SchedBenchRow {
  const { snapshot, queue, running } = input;
  const sharing = tenants > 0 ? input.sharing : undefined;
  if (collect) global.gc?.();
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

/** Runs per configuration: this machine is shared (its two cores are virtual), so the best and the median of several runs say more than one. SCHED_BENCH_RUNS sets them. */
const RUNS = Number(process.env.SCHED_BENCH_RUNS ?? 5);

export async function run(): Promise<void> {
  const rows: Record<string, number | string>[] = [];
  for (const [h, j] of SIZES) {
    const input = fixture(h, j);
    for (const mode of ['opennebula', 'dynamic'] as const) {
      // Without and with tenants in turn, so that both meet the same state of the machine.
      const runs: [SchedBenchRow[], SchedBenchRow[]] = [[], []];
      const warm: [number[], number[]] = [[], []];
      for (let k = 0; k < RUNS; k++) {
        runs[0].push(measure(h, j, mode, 0, input));
        runs[1].push(measure(h, j, mode, TENANTS, input));
      }
      for (let k = 0; k < 2 * RUNS; k++) {
        warm[0].push(measure(h, j, mode, 0, input, false).cpuMs);
        warm[1].push(measure(h, j, mode, TENANTS, input, false).cpuMs);
      }
      const bestWithout = Math.min(...runs[0].map((r) => r.cpuMs));
      const warmWithout = Math.min(...warm[0]);
      for (const [n, list] of runs.entries()) {
        const sorted = [...list].sort((a, b) => a.ms - b.ms);
        const best = sorted[0]!;
        const cpuBest = Math.min(...list.map((r) => r.cpuMs));
        const warmBest = Math.min(...warm[n]!);
        const warmMedian = [...warm[n]!].sort((a, b) => a - b)[RUNS]!;
        rows.push({
          hosts: h, jobs: j, rank: mode, tenants: best.tenants, 'best ms': best.ms, 'median ms': sorted[Math.floor(RUNS / 2)]!.ms, 'cpu ms (best)': cpuBest,
          'vs none': (cpuBest / bestWithout).toFixed(2),
          'warm ms (best)': warmBest, 'warm median': warmMedian, 'warm vs none': (warmBest / warmWithout).toFixed(2),
          placed: best.placed, preempted: best.preempted, waiting: best.waiting,
          'peak rss MB': Math.max(...list.map((r) => r.rssMb)), 'heap MB': best.heapMb,
        });
      }
    }
  }
  console.log(`scheduling core: plan(), ${RUNS} runs each after a forced GC, then ${2 * RUNS} warm (without and with tenants in turn)`);
  console.table(rows);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
