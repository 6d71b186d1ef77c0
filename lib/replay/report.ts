/**
 * The report: Markdown with the mapping, every count of changed jobs, one table per aspect
 * (policies, classes, tenants, planner cost, the check against the log) and the plots as SVG
 * files beside it; and the same figures as JSON, one object per policy.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SimResult, SimTiming } from './engine';
import { figures, outcomes, stats, type Figures } from './metrics';
import { queueSpec, renderSvg, tenantSpec, utilisationSpec, validationSpec, waitCdfSpec } from './plots';
import type { Workload } from './workload';

export interface Validation {
  readonly jobs: number;
  readonly logged: ReturnType<typeof stats>;
  readonly replayed: ReturnType<typeof stats>;
  /** Kolmogorov–Smirnov distance between the two wait distributions. */
  readonly ks: number;
  /** Share of jobs whose replayed wait is within a minute of the logged one. */
  readonly withinMinute: number;
  /** Share of jobs that waited longer in the replay. */
  readonly longer: number;
}

export function validate(result: SimResult): Validation | undefined {
  const list = outcomes(result).filter((o) => o.realWait !== undefined);
  if (list.length === 0) return undefined;
  const real = list.map((o) => o.realWait!).sort((a, b) => a - b);
  const sim = list.map((o) => o.wait).sort((a, b) => a - b);
  let ks = 0;
  let i = 0;
  let j = 0;
  while (i < real.length || j < sim.length) {
    const x = Math.min(real[i] ?? Infinity, sim[j] ?? Infinity);
    while (i < real.length && real[i] <= x) i++;
    while (j < sim.length && sim[j] <= x) j++;
    ks = Math.max(ks, Math.abs(i / real.length - j / sim.length));
  }
  return {
    jobs: list.length, logged: stats(real), replayed: stats(sim), ks,
    withinMinute: list.filter((o) => Math.abs(o.wait - o.realWait!) <= 60).length / list.length,
    longer: list.filter((o) => o.wait > o.realWait! + 60).length / list.length,
  };
}

/** What --json prints: one object per policy; the figures' key order puts policy, jobs, finished, wait, bsld first. */
export function jsonFigures(f: Figures, validation?: Validation): Record<string, unknown> {
  return validation ? { ...f, validation } : { ...f };
}

const n0 = (x: number): string => Math.round(x).toLocaleString('en-US');
const n1 = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const n2 = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
const dur = (s: number): string => (s >= 86_400 ? `${n1(s / 86_400)} d` : s >= 3600 ? `${n1(s / 3600)} h` : s >= 60 ? `${n1(s / 60)} min` : `${n0(s)} s`);

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export interface ReportInput {
  readonly workload: Workload;
  readonly results: readonly SimResult[];
  readonly machine?: SimResult;
  readonly timing: SimTiming;
  readonly outDir: string;
  /** Base name of the files: <name>.md, <name>-*.svg. */
  readonly name: string;
  readonly command: string;
}

export function machineLine(): string {
  return `${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length} (shared), node ${process.version}`;
}

export async function writeReport(input: ReportInput): Promise<{ file: string; figures: Figures[]; validation?: Validation }> {
  const { workload: w, results, machine, outDir, name } = input;
  mkdirSync(outDir, { recursive: true });
  const figs = results.map(figures);
  const plots: [string, string][] = [
    ['utilisation', await renderSvg(utilisationSpec(results))],
    ['queue', await renderSvg(queueSpec(results))],
    ['wait-cdf', await renderSvg(waitCdfSpec(results))],
  ];
  const tenantOf = results.find((r) => r.policy.name === 'stop') ?? results[results.length - 1];
  plots.push(['tenants', await renderSvg(tenantSpec(tenantOf))]);
  const validation = machine ? validate(machine) : undefined;
  if (machine && validation) plots.push(['validation', await renderSvg(validationSpec(machine))]);
  for (const [kind, svg] of plots) writeFileSync(path.join(outDir, `${name}-${kind}.svg`), svg);

  const out: string[] = [];
  out.push(`# Scheduling quality: ${w.name}`, '');
  out.push(`Replayed with \`${input.command}\` on ${machineLine()}.`, '');
  if (w.acknowledge) out.push(`Trace from the Parallel Workloads Archive (Feitelson, Tsafrir and Krakov, JPDC 74(10), 2014); acknowledge: ${w.acknowledge}.`, '');
  out.push('## Workload and mapping', '', ...w.mapping.map((m) => `- ${m}`));
  const t = input.timing;
  out.push(`- ticks every ${t.tick} s and ${t.kick} s after each submission, completion or release; boot ${t.boot} s, save ${t.save} s, resume ${t.resume} s`);
  const counts = Object.entries(w.counts);
  out.push('', counts.length ? table(['jobs changed or dropped', 'count'], counts.map(([k, v]) => [k, n0(v)])) : 'No job was dropped, scaled or split.', '');
  out.push(`${n0(w.jobs.length)} simulated jobs (VMs).`, '');

  out.push('## Policies', '', table(['policy', 'what it is'], figs.map((f) => [f.policy, f.label])), '');
  out.push(table(
    ['policy', 'jobs', 'finished', 'wait mean', 'wait p50', 'wait p95', 'wait max', 'bsld mean', 'bsld p95', 'bsld max', 'utilisation', 'busy', 'makespan', 'preemptions', 'work lost', 'work saved', 'backfilled in a shadow', 'replay CPU'],
    figs.map((f) => [f.policy, n0(f.jobs), n0(f.finished), dur(f.waitMean), dur(f.waitP50), dur(f.waitP95), dur(f.waitMax), n1(f.bsldMean), n1(f.bsldP95), n0(f.bsldMax),
      pct(f.utilization), pct(f.busy), dur(f.makespanSeconds), n0(f.preemptions), dur(f.workLostSeconds), dur(f.workSavedSeconds), n0(f.backfilled), `${n1(f.runSeconds)} s`]),
  ), '');
  out.push('Wait: first deploy − submit. Bounded slowdown (bsld): max(1, (end − submit) / max(run time, 10 s)). Utilisation: vCPU × work done (lost work excluded) over capacity × makespan; busy: everything VMs spent on hosts (boots, saves, lost work included). Work lost: run time thrown away by requeues; work saved: run time that stop/suspend kept and a requeue would have lost (job-seconds).', '');

  out.push('## Per class', '', table(['policy', 'class', 'jobs', 'wait mean', 'wait p95', 'bsld mean', 'bsld p95', 'bsld max', 'vCPU-hours'],
    figs.flatMap((f) => Object.entries(f.byClass).map(([c, g]) => [f.policy, c, n0(g.jobs), dur(g.wait.mean), dur(g.wait.p95), n1(g.bsld.mean), n1(g.bsld.p95), n0(g.bsld.max), n0(g.cpuHours)]))), '');

  const topTenants = Object.entries(figs[0]?.byTenant ?? {}).sort((a, b) => b[1].cpuHours - a[1].cpuHours).slice(0, 8).map(([k]) => k);
  out.push('## Per tenant (the 8 largest by use)', '', table(['tenant', ...figs.map((f) => `${f.policy}: wait mean / bsld mean / vCPU-h`)],
    topTenants.map((tn) => [tn, ...figs.map((f) => { const g = f.byTenant[tn]; return g ? `${dur(g.wait.mean)} / ${n1(g.bsld.mean)} / ${n0(g.cpuHours)}` : '–'; })])), '');

  out.push('## The planner\'s cost', '', 'CPU time of each plan() call (the replay measures it around the call; the planner itself reads no clock), by queue length.', '',
    table(['policy', 'queue length', 'plans', 'median ms', 'p99 ms', 'max ms'],
      figs.flatMap((f) => f.planCost.map((b) => [f.policy, b.queue, n0(b.plans), n2(b.medianMs), n2(b.p99Ms), n2(b.maxMs)]))), '');

  if (machine && validation) {
    const v = validation;
    out.push('## Check against the machine\'s own log', '',
      `The log records the wait its own scheduler gave every job (field 3; KTH-SP2's ran EASY). The same jobs replayed under \`${machine.policy.name}\` (${machine.policy.label}):`, '',
      table(['waits', 'mean', 'p50', 'p95', 'max'], [
        ['logged', dur(v.logged.mean), dur(v.logged.p50), dur(v.logged.p95), dur(v.logged.max)],
        ['replayed', dur(v.replayed.mean), dur(v.replayed.p50), dur(v.replayed.p95), dur(v.replayed.max)],
      ]), '',
      `${n0(v.jobs)} jobs; Kolmogorov–Smirnov distance ${n2(v.ks)}; ${pct(v.withinMinute)} of jobs within a minute of their logged wait, ${pct(v.longer)} longer by more than a minute.`, '',
      `![waits, logged and replayed](${name}-validation.svg)`, '');
  }
  out.push('## Plots', '', `![utilisation](${name}-utilisation.svg)`, '', `![queue length](${name}-queue.svg)`, '', `![wait CDF](${name}-wait-cdf.svg)`, '', `![tenant shares](${name}-tenants.svg)`, '');
  const file = path.join(outDir, `${name}.md`);
  writeFileSync(file, out.join('\n'));
  return { file, figures: figs, validation };
}
