/**
 * Expression evaluation throughput: 10,000 hosts × 40 distinct requirements and 10 ranks, as the
 * planner evaluates them (lookup indexes built lazily on first use, then reused).
 *   npx tsx bench/expr.bench.ts
 */
import { compileRank, compileRequirement, hostLookup } from '../lib/sched/expr';
import type { XmlNode } from '../lib/sched/snapshot';

const el = (name: string, text: string | number = '', children: XmlNode[] = []): XmlNode => ({ name, text: String(text), children });

function host(i: number): { xml: XmlNode; vmIds: number[] } {
  const xml = el('HOST', '', [
    el('ID', i),
    el('NAME', `node-${i}`),
    el('CLUSTER_ID', i % 10),
    el('HOST_SHARE', '', [
      el('MEM_USAGE', (i * 7919) % 32000000),
      el('CPU_USAGE', (i * 13) % 1600),
      el('MAX_MEM', 32000000),
      el('MAX_CPU', 1600),
      el('RUNNING_VMS', i % 17),
      el('DATASTORES', '', [el('DS', '', [el('ID', 0), el('FREE_MB', 90000)]), el('FREE_DISK', 90000)]),
    ]),
    el('VMS', '', [el('ID', i), el('ID', i + 1)]),
    el('TEMPLATE', '', [
      el('HYPERVISOR', i % 3 === 0 ? 'xen' : 'kvm'),
      el('ARCH', 'x86_64'),
      el('RACK', `r${i % 40}`),
      el('LABELS', 'ssd'),
      el('LABELS', i % 2 ? 'gpu' : 'cpu'),
      el('PRIORITY', i % 5),
    ]),
    el('MONITORING', '', [el('CAPACITY', '', [el('FREE_CPU', 1600 - ((i * 13) % 1600))]), el('SYSTEM', '', [el('NETRX', i * 1000)])]),
    el('CLUSTER_TEMPLATE', '', [el('ZONE', `z${i % 4}`)]),
  ]);
  return { xml, vmIds: [i, i + 1] };
}

const hosts = Array.from({ length: 10_000 }, (_, i) => host(i));
const requirements = Array.from({ length: 40 }, (_, k) =>
  [
    `HYPERVISOR = kvm & FREE_CPU > ${k * 10}`,
    `RACK = "r${k}*" | LABELS @> gpu`,
    `!(CLUSTER_ID = ${k % 10}) & ARCH = x86_64 & MAX_MEM > ${k}`,
    `"DS/FREE_MB" > ${k * 100} & CURRENT_VMS != ${k} & ZONE != z${k % 4}`,
  ][k % 4],
);
const ranks = Array.from({ length: 10 }, (_, k) => (k % 2 ? `FREE_CPU - RUNNING_VMS * ${k}` : `- RUNNING_VMS + PRIORITY * ${k}`));

function timed(label: string, run: () => number): void {
  const t0 = process.hrtime.bigint();
  const n = run();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`${label}: ${ms.toFixed(1)} ms, ${((n / ms) * 1000 / 1e6).toFixed(2)} M evaluations/s`);
}

const compiledReqs = requirements.map(compileRequirement);
const compiledRanks = ranks.map(compileRank);
const lookups = hosts.map(hostLookup);

for (const pass of ['first pass (indexes built)', 'second pass']) {
  timed(`${pass}: ${hosts.length} hosts × ${requirements.length} requirements`, () => {
    let n = 0;
    let hits = 0;
    for (const r of compiledReqs) for (const l of lookups) {
      if (r.test(l)) hits++;
      n++;
    }
    return n + (hits & 0);
  });
  timed(`${pass}: ${hosts.length} hosts × ${ranks.length} ranks`, () => {
    let n = 0;
    let sum = 0;
    for (const r of compiledRanks) for (const l of lookups) {
      sum += r.value(l);
      n++;
    }
    return n + (sum & 0);
  });
}
const heap = process.memoryUsage().heapUsed / 2 ** 20;
console.log(`heap used: ${heap.toFixed(0)} MiB`);
