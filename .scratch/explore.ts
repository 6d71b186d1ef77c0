import { readSwf } from '../lib/replay/swf';
import { traceWorkload, DEFAULT_TRACE_MAPPING } from '../lib/replay/trace';
import { mulberry32 } from '../lib/replay/prng';
import { simulate, DEFAULT_TIMING } from '../lib/replay/engine';
import { POLICIES, replayPlannerPolicy } from '../lib/replay/policies';
import { tenantFigures } from '../lib/replay/tenants';
const [file, cpus, beff, variants] = process.argv.slice(2);
const w = traceWorkload(readSwf(file), 'x', { ...DEFAULT_TRACE_MAPPING, hosts: 1, hostCpus: +cpus, oversize: 'scale', tenantBy: 'user', beffFraction: +beff, from: 5000, count: 4000 } as any, mulberry32(1));
const tenants = [...new Set(w.jobs.map((j) => j.tenant))].sort().map((id) => ({ id, share: 1, services: [], users: [] }));
for (const v of variants.split(',')) {
  const [name, hl] = v.split(':');
  const r = simulate(w, { policy: POLICIES[name], timing: DEFAULT_TIMING, base: replayPlannerPolicy('striping'), startMs: (w.startUnix ?? 0) * 1000, tenants, ...(hl ? { usageHalfLifeSeconds: +hl } : {}) });
  const f = tenantFigures(r, tenants).filter((t) => t.bins > 0);
  const mean = f.reduce((a, t) => a + t.deviationMean, 0) / f.length;
  const bw = f.reduce((a, t) => a + t.deviationMean * t.bins, 0) / f.reduce((a, t) => a + t.bins, 0);
  const lr = f.reduce((a, t) => a + Math.abs(t.usedShareMean - t.entitledShareMean), 0) / f.length;
  const top = [...f].sort((a, b) => b.deviationMean * b.bins - a.deviationMean * a.bins).slice(0, 4).map((t) => `${t.id}:${(t.deviationMean * 100).toFixed(1)}x${t.bins} used ${(t.usedShareMean*100).toFixed(1)} ${w.jobs.find(j=>j.tenant===t.id)!.class}`);
  console.log(`${v.padEnd(14)} dev ${(mean * 100).toFixed(2)} bw ${(bw * 100).toFixed(2)} longrun ${(lr*100).toFixed(2)} n ${f.length} pre ${r.records.reduce((a, x: any) => a + (x.preemptions ?? 0), 0)} | ${top.join(' ')}`);
}
