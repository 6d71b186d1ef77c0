/**
 * svmsched-simulate: replays a trace (or a synthetic workload) through the planner under several
 * policies on the same workload, writes a Markdown report with SVG plots, and prints the figures
 * (--json: one object per policy). Progress on stderr when it is a terminal.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Tenant } from '../domain/tenant';
import { tenantFigures } from './tenants';
import { Command, InvalidArgumentError, Option } from 'commander';
import ora from 'ora';
import { DEFAULT_TIMING, simulate, type SimPolicy, type SimResult, type SimTiming } from './engine';
import { DEFAULT_POLICIES, MACHINE_POLICY, POLICIES, replayPlannerPolicy } from './policies';
import { figures } from './metrics';
import { mulberry32 } from './prng';
import { jsonFigures, writeReport } from './report';
import { renderSvg, sharesSpec } from './plots';
import { readSwf } from './swf';
import { DEFAULT_SYNTHETIC, syntheticWorkload } from './synthetic';
import { DEFAULT_TRACE_MAPPING, traceWorkload } from './trace';
import type { Workload } from './workload';

export interface SimulateIo {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly argv0?: string;
}

interface Options {
  trace?: string;
  synthetic?: boolean;
  jobs: number;
  load: number;
  tenants: number | 'user' | 'group';
  tenantShares?: string;
  usageHalfLife: number;
  seed: number;
  policies: string[];
  machineCheck: boolean;
  hosts?: number;
  hostCpus?: number;
  memoryPerCpu: number;
  oversize: 'split' | 'scale';
  tenantBy: 'user' | 'group';
  beffFraction: number;
  limit: boolean;
  from?: number;
  count?: number;
  hostPolicy: 'packing' | 'striping';
  tick: number;
  kick: number;
  boot: number;
  save: number;
  resume: number;
  out: string;
  json?: boolean;
}

const number = (name: string, min: number, integer = false) => (raw: string): number => {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) {
    throw new InvalidArgumentError(`${name} must be ${integer ? 'an integer' : 'a number'} of at least ${min}, not "${raw}".`);
  }
  return v;
};

const fraction = (name: string) => (raw: string): number => {
  const v = number(name, 0)(raw);
  if (v > 1) throw new InvalidArgumentError(`${name} must be between 0 and 1, not "${raw}".`);
  return v;
};

const policyList = (raw: string): string[] => {
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(n in POLICIES));
  if (names.length === 0 || unknown.length) throw new InvalidArgumentError(`unknown polic${unknown.length === 1 ? 'y' : 'ies'} ${unknown.join(', ') || '(none given)'}; known: ${Object.keys(POLICIES).join(', ')}.`);
  return names;
};

export function buildSimulateProgram(run: (o: Options, command: string) => Promise<void>, argvText = ''): Command {
  return new Command('svmsched-simulate')
    .description('Replay a workload (a Parallel Workloads Archive SWF trace, or a synthetic mix) through the planner under several policies; writes a Markdown report with plots')
    .option('--trace <file>', 'SWF trace (.swf or .swf.gz)')
    .option('--synthetic', 'a synthetic workload instead of a trace')
    .option('--jobs <n>', 'synthetic: number of jobs', number('--jobs', 1, true), DEFAULT_SYNTHETIC.jobs)
    .option('--load <x>', 'synthetic: offered load (work arriving per unit of capacity)', number('--load', 0.01), DEFAULT_SYNTHETIC.load)
    .option('--tenants <n|user|group>', 'synthetic: number of tenants; trace: "user" or "group" makes the trace\'s users (groups) tenants sharing the cloud and adds the policy "shares"',
      (raw: string) => (raw === 'user' || raw === 'group' ? raw : number('--tenants', 1, true)(raw)), DEFAULT_SYNTHETIC.tenants)
    .option('--tenant-shares <file>', 'JSON object of tenant id → share (default: equal shares)')
    .option('--usage-half-life <s>', 'policy shares: half-life of the decayed usage in the fair order, seconds', number('--usage-half-life', 1), 86_400)
    .option('--seed <n>', 'seed of every random choice (tenant classes, synthetic jobs)', number('--seed', 0, true), 1)
    .option('--policies <list>', `comma-separated, among ${Object.keys(POLICIES).join(', ')}`, policyList, DEFAULT_POLICIES)
    .option('--no-machine-check', 'skip the replay under EASY as the trace machine ran it (compared with the logged waits)')
    .option('--hosts <n>', 'hosts in the cloud (trace default: one host of MaxProcs vCPU; synthetic: 8)', number('--hosts', 1, true))
    .option('--host-cpus <n>', 'vCPU per host (trace default: MaxProcs / hosts; synthetic: 32)', number('--host-cpus', 1, true))
    .option('--memory-per-cpu <MB>', 'memory per vCPU of hosts and jobs without a known memory', number('--memory-per-cpu', 1, true), DEFAULT_TRACE_MAPPING.memoryPerCpuMb)
    .addOption(new Option('--oversize <how>', 'a trace job larger than a host is split into parts or scaled to a host').choices(['split', 'scale']).default('split'))
    .addOption(new Option('--tenant-by <field>', 'tenant of a trace job').choices(['user', 'group']).default('user'))
    .option('--beff-fraction <x>', 'share of tenants (trace) or jobs (synthetic) that are best-effort', fraction('--beff-fraction'), DEFAULT_TRACE_MAPPING.beffFraction)
    .option('--no-limit', 'the requested time is an estimate only, not also the lifetime')
    .option('--from <i>', 'trace: first job (0-based) of the slice replayed', number('--from', 0, true))
    .option('--count <n>', 'trace: number of jobs replayed from --from', number('--count', 1, true))
    .addOption(new Option('--host-policy <policy>', 'host ranking of the planner').choices(['packing', 'striping']).default('striping'))
    .option('--tick <s>', 'seconds between ticks', number('--tick', 1), DEFAULT_TIMING.tick)
    .option('--kick <s>', 'seconds from a submission or completion to its tick', number('--kick', 0), DEFAULT_TIMING.kick)
    .option('--boot <s>', 'seconds a VM takes to boot', number('--boot', 0), DEFAULT_TIMING.boot)
    .option('--save <s>', 'seconds a stop or suspend takes to save a VM', number('--save', 0), DEFAULT_TIMING.save)
    .option('--resume <s>', 'seconds a resume takes', number('--resume', 0), DEFAULT_TIMING.resume)
    .option('--out <dir>', 'where the report and plots go', 'simulate-report')
    .option('--json', 'print the figures as JSON (one object per policy) on stdout')
    .showHelpAfterError(false)
    .action(async (o: Options, cmd: Command) => {
      if (!o.trace === !o.synthetic) cmd.error('give either --trace <file> or --synthetic.', { exitCode: 2 });
      await run(o, `svmsched-simulate ${argvText}`.trim());
    });
}

function workloadOf(o: Options): Workload {
  if (o.trace) {
    return traceWorkload(readSwf(o.trace), path.basename(o.trace).replace(/\.swf(\.gz)?$/, ''), {
      hosts: o.hosts, hostCpus: o.hostCpus, memoryPerCpuMb: o.memoryPerCpu, oversize: o.oversize, tenantBy: typeof o.tenants === 'string' ? o.tenants : o.tenantBy,
      beffFraction: o.beffFraction, limit: o.limit, from: o.from, count: o.count,
    }, mulberry32(o.seed));
  }
  const hostCpus = o.hostCpus ?? 32;
  return syntheticWorkload({
    ...DEFAULT_SYNTHETIC, jobs: o.jobs, load: o.load, tenants: typeof o.tenants === 'number' ? o.tenants : DEFAULT_SYNTHETIC.tenants, beffFraction: o.beffFraction, limit: o.limit,
    cloud: { hosts: o.hosts ?? 8, hostCpus, hostMemoryMb: hostCpus * o.memoryPerCpu },
  }, mulberry32(o.seed));
}

/** The command as the report shows it: files by their names only (where they sit here says nothing to a reader). */
function commandText(argv: readonly string[]): string {
  return argv.map((a, i) => (i > 0 && ['--trace', '--out'].includes(argv[i - 1]) ? path.basename(a) : a.replace(/^(--(?:trace|out)=).*[\\/]/, '$1'))).join(' ');
}

/** Tenants of the workload with their shares: equal, or as the file gives them (absent from it: share 1). */
function tenantsOf(workload: Workload, file: string | undefined): Tenant[] {
  let given: Record<string, unknown> = {};
  if (file !== undefined) {
    given = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    if (typeof given !== 'object' || given === null || Array.isArray(given)) throw new Error(`--tenant-shares ${path.basename(file)}: must be a JSON object of tenant id → share`);
    for (const [id, v] of Object.entries(given)) {
      if (typeof v !== 'number' || !(v > 0)) throw new Error(`--tenant-shares ${path.basename(file)}: share of tenant ${id} must be a number above 0, not ${JSON.stringify(v)}`);
    }
  }
  return [...new Set(workload.jobs.map((j) => j.tenant))].sort().map((id) => ({ id, share: (given[id] as number | undefined) ?? 1, services: [], users: [] }));
}

export async function runSimulate(argv: readonly string[], io: SimulateIo): Promise<number> {
  let code = 0;
  const program = buildSimulateProgram(async (o, command) => {
    const workload = workloadOf(o);
    const timing: SimTiming = { tick: o.tick, kick: o.kick, boot: o.boot, save: o.save, resume: o.resume };
    const base = replayPlannerPolicy(o.hostPolicy);
    const startMs = (workload.startUnix ?? Date.UTC(2024, 0, 1) / 1000) * 1000;
    const tty = io.stderr.isTTY === true;
    const spinner = tty ? ora({ stream: io.stderr }).start() : undefined;
    const sharing = typeof o.tenants === 'string' || o.tenantShares !== undefined || o.policies.includes('shares');
    const tenants = sharing ? tenantsOf(workload, o.tenantShares) : undefined;
    const policies = sharing && !o.policies.includes('shares') ? [...o.policies, 'shares'] : o.policies;
    const one = (policy: SimPolicy, t: SimTiming): SimResult => {
      let last = 0;
      const r = simulate(workload, {
        policy, timing: t, base, startMs, ...(tenants ? { tenants } : {}), usageHalfLifeSeconds: o.usageHalfLife,
        onProgress: (ended, total, now) => {
          if (!spinner || performance.now() - last < 200) return;
          last = performance.now();
          spinner.text = `${policy.name}: ${ended.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} jobs ended, day ${Math.floor((now - startMs) / 86_400_000)}`;
        },
      });
      const line = `${policy.name}: ${workload.jobs.length} jobs replayed in ${(r.cpuMs / 1000).toFixed(1)} s CPU`;
      if (spinner) spinner.succeed(line).start();
      else io.stderr.write(`${line}\n`);
      return r;
    };
    const results = policies.map((name) => one(POLICIES[name], timing));
    const hasWaits = workload.jobs.some((j) => j.realWait !== undefined);
    const machine = o.trace && o.machineCheck && hasWaits ? one(MACHINE_POLICY, { ...timing, kick: 0, boot: 0, save: 0, resume: 0 }) : undefined;
    spinner?.stop();
    const report = await writeReport({ workload, results, machine, timing, outDir: o.out, name: workload.name, command });
    if (tenants) writeFileSync(path.join(o.out, `${workload.name}-shares.svg`), await renderSvg(sharesSpec(results, tenants)));
    if (o.json) {
      const all = [
        ...report.figures.map((f, k) => ({ ...jsonFigures(f), ...(tenants ? { tenants: tenantFigures(results[k], tenants) } : {}) })),
        ...(machine ? [jsonFigures(figures(machine), report.validation)] : []),
      ];
      io.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
    } else {
      for (const f of report.figures) {
        io.stdout.write(`${f.policy.padEnd(8)} wait mean ${f.waitMean.toFixed(0)} s, p95 ${f.waitP95.toFixed(0)} s; bsld mean ${f.bsldMean.toFixed(1)}, p95 ${f.bsldP95.toFixed(1)}, max ${f.bsldMax.toFixed(0)}; utilisation ${(f.utilization * 100).toFixed(1)} %; preemptions ${f.preemptions}; plan p99 ${f.planMsP99.toFixed(2)} ms\n`);
      }
      if (tenants) {
        for (const r of results) {
          const t = tenantFigures(r, tenants).filter((f) => f.bins > 0);
          const mean = t.length ? t.reduce((a, f) => a + f.deviationMean, 0) / t.length : 0;
          const all = tenantFigures(r, tenants);
          const episodes = all.reduce((a, f) => a + f.guaranteeEpisodes, 0);
          const ttg = episodes ? all.reduce((a, f) => a + f.timeToGuaranteeMean * f.guaranteeEpisodes, 0) / episodes : 0;
          io.stdout.write(`${r.policy.name.padEnd(8)} tenants: mean |used share − entitled share| ${(mean * 100).toFixed(1)} points over ${t.length} tenants with work in a saturated cloud; time to guarantee ${ttg.toFixed(0)} s mean over ${episodes} episodes\n`);
        }
      }
      if (report.validation) {
        const v = report.validation;
        io.stdout.write(`machine check: logged wait mean ${v.logged.mean.toFixed(0)} s, replayed ${v.replayed.mean.toFixed(0)} s; KS distance ${v.ks.toFixed(2)}\n`);
      }
    }
    io.stderr.write(`report: ${report.file}\n`);
  }, commandText(argv));
  program.exitOverride();
  program.configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
    if (e.code?.startsWith('commander.')) return e.exitCode ?? 2;
    io.stderr.write(`svmsched-simulate: ${(err as Error).message}\n`);
    code = 1;
  }
  return code;
}
