/**
 * Synthetic workloads: Poisson arrivals at a rate that gives the asked offered load, run times
 * from a bounded Pareto (heavy-tailed: most jobs short, a few very long), sizes as powers of two
 * up to a host, estimates that overstate the run time by a random factor (users' estimates do),
 * tenants of Zipf-like weights, and a fraction of best-effort jobs. All randomness from `random`.
 */
import type { Random } from './prng';
import { sortJobs, type CloudShape, type SimJob, type Workload } from './workload';

export interface SyntheticSpec {
  readonly jobs: number;
  readonly cloud: CloudShape;
  /** Offered load: work arriving per unit of capacity (0.8 = 80 % of the cloud busy on average). */
  readonly load: number;
  readonly tenants: number;
  readonly beffFraction: number;
  /** Pareto shape (α) and bounds of run times, seconds. */
  readonly alpha: number;
  readonly minRun: number;
  readonly maxRun: number;
  /** Estimate = run time × U(1, overestimate). */
  readonly overestimate: number;
  /** Estimates are also lifetimes. */
  readonly limit: boolean;
}

export const DEFAULT_SYNTHETIC: Omit<SyntheticSpec, 'cloud'> = {
  jobs: 2000, load: 0.8, tenants: 8, beffFraction: 0.3, alpha: 1.2, minRun: 30, maxRun: 86_400, overestimate: 4, limit: true,
};

/** Bounded Pareto by inversion. */
function boundedPareto(r: Random, alpha: number, lo: number, hi: number): number {
  const u = r();
  const la = lo ** alpha;
  const ha = hi ** alpha;
  return (-(u * ha - u * la - ha) / (ha * la)) ** (-1 / alpha);
}

export function syntheticWorkload(spec: SyntheticSpec, random: Random): Workload {
  const { cloud } = spec;
  const sizes: number[] = [];
  for (let s = 1; s <= cloud.hostCpus; s *= 2) sizes.push(s);
  // Smaller jobs are more frequent: weight 1/(k+1) for the k-th power of two.
  const sizeWeights = sizes.map((_, k) => 1 / (k + 1));
  const tenantWeights = Array.from({ length: spec.tenants }, (_, k) => 1 / (k + 1));
  const pick = (weights: readonly number[]): number => {
    const total = weights.reduce((a, b) => a + b, 0);
    let u = random() * total;
    for (let k = 0; k < weights.length; k++) if ((u -= weights[k]) < 0) return k;
    return weights.length - 1;
  };
  const drafts = Array.from({ length: spec.jobs }, () => {
    const cpu = sizes[pick(sizeWeights)];
    const work = Math.max(1, Math.round(boundedPareto(random, spec.alpha, spec.minRun, spec.maxRun)));
    const tenant = `t${pick(tenantWeights)}`;
    const estimate = Math.ceil(work * (1 + random() * (spec.overestimate - 1)));
    const cls = random() < spec.beffFraction ? 'beff' as const : 'prod' as const;
    return { cpu, work, tenant, estimate, cls };
  });
  // Arrival rate λ such that λ × E[cpu × work] = load × capacity.
  const meanDemand = drafts.reduce((s, d) => s + d.cpu * d.work, 0) / Math.max(1, drafts.length);
  const capacity = cloud.hosts * cloud.hostCpus;
  const rate = (spec.load * capacity) / meanDemand;
  let t = 0;
  const jobs: SimJob[] = drafts.map((d, i) => {
    t += -Math.log(1 - random()) / rate;
    return {
      id: `s${i}`, submit: Math.round(t), work: d.work, estimate: d.estimate, lifetime: spec.limit ? d.estimate : undefined,
      cpu: d.cpu, memoryMb: d.cpu * Math.floor(cloud.hostMemoryMb / cloud.hostCpus), tenant: d.tenant, class: d.cls, priority: 0,
    };
  });
  const mapping = [
    `synthetic: ${spec.jobs} jobs, Poisson arrivals for an offered load of ${spec.load} (one every ${(1 / rate).toFixed(0)} s on average)`,
    `cloud: ${cloud.hosts} host${cloud.hosts === 1 ? '' : 's'} × ${cloud.hostCpus} vCPU, ${cloud.hostMemoryMb} MB each`,
    `run times: bounded Pareto α=${spec.alpha} on [${spec.minRun} s, ${spec.maxRun} s]; sizes: powers of two up to a host, weight 1/(k+1)`,
    `estimates: run time × U(1, ${spec.overestimate})${spec.limit ? ', also the lifetime' : ''}; ${spec.tenants} tenants (Zipf-like weights); ${spec.beffFraction} of jobs best-effort`,
  ];
  return { name: `synthetic-${spec.jobs}`, jobs: sortJobs(jobs), cloud, mapping, counts: {} };
}
