/**
 * The optimiser next to OpenNebula's one_drs, on the same OPTIMIZE requests: lopsided RUNNING
 * placements (two thirds of the VMs try the first third of the hosts first) at 10 hosts × 50 VMs
 * (several seeds), 50 × 300 and 100 × 700, the cluster TEMPLATE as oned sends it (RESERVED_CPU,
 * RESERVED_MEM, ONE_DRS). Each plan is applied to the placement and scored with one_drs's own
 * objective (written here from lib/mapper/ilp_optimizer.py, not taken from lib/sched/optimize).
 *
 *   npx tsx bench/drs.bench.ts                   svmsched only
 *   ONE_DRS=/path/to/optimize npx tsx bench/drs.bench.ts
 *
 * ONE_DRS names an executable that behaves as one_drs's `optimize` driver action: the request in
 * base64 on stdin, the PLAN on stdout (a one_drs checkout run with its one_drs.conf and a CBC).
 * If it also writes `OBJECTIVE: <value>` on stderr (its ILP's own value), that is shown beside
 * the value recomputed here, as a check of the formula.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { DRS_DEFAULTS, optimizeRequest } from '../lib/placer/optimize';
import { encodeRequest, requestXml, type HostSpec, type RequestSpec, type VmSpec } from '../test/placer/requestFixture';
import { rng } from './schedFixture';

const CPUS = [16, 24, 32];
const VM_CPUS = [1, 2, 4];

/** A cluster of RUNNING VMs, two thirds of them on the first third of the hosts where there is room. */
export function lopsidedRequest(nHosts: number, nVms: number, seed: number): RequestSpec {
  const r = rng(seed);
  const cpu = Array.from({ length: nHosts }, () => CPUS[Math.floor(r() * CPUS.length)]!);
  const room = [...cpu];
  const used = new Array<number>(nHosts).fill(0);
  const count = new Array<number>(nHosts).fill(0);
  const hostIds = Array.from({ length: nHosts }, (_, h) => h);
  const vms: VmSpec[] = [];
  for (let i = 0; i < nVms; i++) {
    const c = VM_CPUS[Math.floor(r() * VM_CPUS.length)]!;
    let h = r() < 0.66 ? Math.floor(r() * Math.max(1, Math.floor(nHosts / 3))) : Math.floor(r() * nHosts);
    for (let tries = 0; tries < nHosts && room[h]! < c; tries++) h = (h + 1) % nHosts;
    if (room[h]! < c) continue;
    room[h]! -= c;
    used[h]! += c;
    count[h]!++;
    vms.push({
      id: 100 + i, cpu: c, memMb: c * 2048, state: 3, lcmState: 3, usage: Math.round(r() * c * 100),
      history: { hid: h, dsId: 0, action: 0 }, hosts: hostIds, datastores: [0],
    });
  }
  const hosts: HostSpec[] = cpu.map((c, id) => ({
    id, cpu: c * 100, memMb: 131072, cpuUsage: used[id]! * 100, memUsageMb: used[id]! * 2048, runningVms: count[id]!,
  }));
  return {
    hosts, vms, datastores: [{ id: 0, freeMb: 10_000_000 }], vnets: [],
    // As the cluster's DRS form stores it (one_drs fails on a ONE_DRS without PREDICTIVE).
    oneDrs: { POLICY: 'balance', AUTOMATION: 'manual', MIGRATION_THRESHOLD: -1, PREDICTIVE: 0, CPU_USAGE_WEIGHT: 1 },
  };
}

/**
 * one_drs's balance objective for CPU_USAGE alone: max over hosts of Σ (MONITORING/CPU / 100) of
 * the request's VMs on it / (MAX_CPU / 100), plus 0.01 · migrations / (2N + 1), N the (VM, other
 * host it may go to) pairs.
 */
export function drsObjective(spec: RequestSpec, placement: ReadonlyMap<number, number>, migrations: number): number {
  const load = new Map<number, number>();
  let pairs = 0;
  for (const v of spec.vms) {
    const h = placement.get(v.id) ?? v.history!.hid;
    load.set(h, (load.get(h) ?? 0) + (v.usage ?? 0) / 100);
    pairs += spec.hosts.filter((x) => v.hosts.includes(x.id) && x.id !== v.history!.hid && x.cpu >= v.cpu * 100 && x.memMb * 1024 / 1000 >= v.memMb).length;
  }
  let max = 0;
  for (const host of spec.hosts) max = Math.max(max, (load.get(host.id) ?? 0) / (host.cpu / 100));
  return max + 0.01 * migrations / (2 * pairs + 1);
}

/** VM → host of every migrate ACTION of a PLAN document. */
export function planMoves(xml: string): Map<number, number> {
  const moves = new Map<number, number>();
  for (const [, body] of xml.matchAll(/<ACTION>([\s\S]*?)<\/ACTION>/g)) {
    const field = (name: string) => new RegExp(`<${name}>\\s*(?:<!\\[CDATA\\[)?\\s*([^<\\]]*?)\\s*(?:\\]\\]>)?\\s*</${name}>`).exec(body!)?.[1];
    if (!/migrate/i.test(field('OPERATION') ?? '')) continue;
    moves.set(Number(field('VM_ID')), Number(field('HOST_ID')));
  }
  return moves;
}

interface Row { size: string; seed: number; floor: number; before: number; ours: number; oursMoves: number; oursMs: number; drs?: number; drsMoves?: number; drsMs?: number; drsIlp?: string }

export function compare(nHosts: number, nVms: number, seed: number, drs = process.env.ONE_DRS): Row {
  const spec = lopsidedRequest(nHosts, nVms, seed);
  const input = encodeRequest(requestXml(spec));
  const floor = spec.vms.reduce((s, v) => s + v.usage! / 100, 0) / spec.hosts.reduce((s, h) => s + h.cpu / 100, 0);
  const t0 = performance.now();
  const plan = optimizeRequest(input, 0, DRS_DEFAULTS);
  const oursMs = performance.now() - t0;
  const ours = new Map(plan.actions.map((a) => [a.vmId, a.hostId]));
  const row: Row = {
    size: `${nHosts} × ${spec.vms.length}`, seed, floor, before: drsObjective(spec, new Map(), 0),
    ours: drsObjective(spec, ours, ours.size), oursMoves: ours.size, oursMs,
  };
  if (drs) {
    const t1 = performance.now();
    const r = spawnSync(drs, ['0'], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
    row.drsMs = performance.now() - t1;
    const theirs = planMoves(r.stdout ?? '');
    row.drs = drsObjective(spec, theirs, theirs.size);
    row.drsMoves = theirs.size;
    const status = /STATUS: (\S+)/.exec(r.stderr ?? '')?.[1];
    const objective = /OBJECTIVE: (\S+)/.exec(r.stderr ?? '')?.[1];
    row.drsIlp = [status, objective !== undefined && objective !== 'None' ? Number(objective).toFixed(4) : objective].filter(Boolean).join(' ') || (r.status !== 0 ? `exit ${r.status}` : '');
  }
  return row;
}

export const CASES: readonly [number, number, number][] = [
  ...Array.from({ length: 12 }, (_, i): [number, number, number] => [10, 50, i + 1]), [50, 300, 1], [100, 700, 1],
];

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const drs = process.env.ONE_DRS;
  console.log(`${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}${drs ? '' : ' (ONE_DRS not set: svmsched only)'}`);
  console.log('| hosts × VMs | seed | mean load | before | svmsched | migrations | time | one_drs | migrations | time | one_drs ILP |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  const f = (x: number | undefined, d = 4) => (x === undefined ? '—' : x.toFixed(d));
  const ms = (x: number | undefined) => (x === undefined ? '—' : x < 1000 ? `${x.toFixed(0)} ms` : `${(x / 1000).toFixed(1)} s`);
  // Arguments pick sizes: `npx tsx bench/drs.bench.ts 10x50`.
  const only = process.argv.slice(2);
  for (const [h, v, seed] of CASES.filter(([h, v]) => only.length === 0 || only.includes(`${h}x${v}`))) {
    const r = compare(h, v, seed, drs);
    console.log(`| ${r.size} | ${r.seed} | ${f(r.floor)} | ${f(r.before)} | ${f(r.ours)} | ${r.oursMoves} | ${ms(r.oursMs)} | ${f(r.drs)} | ${r.drsMoves ?? '—'} | ${ms(r.drsMs)} | ${r.drsIlp ?? '—'} |`);
  }
}
