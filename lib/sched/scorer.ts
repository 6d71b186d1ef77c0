/**
 * Phase 3, score: the rank policy as a Scorer. A host's rank for a rank expression is
 * computed once per plan from the snapshot ('opennebula', as OpenNebula's placer does), or
 * again after each change the plan makes to the host ('dynamic': RUNNING_VMS, CPU_USAGE,
 * MEM_USAGE, FREE_CPU, FREE_MEM then include the plan's promises). Values are kept per
 * (rank expression, host), so groups sharing a rank share its evaluations.
 */
import type { AttrLookup, CompiledRank } from './expr';
import { rankValue } from './compile';
import type { Ledger } from './ledger';

/** One method: the score of a host (ledger index) under a rank expression. */
export interface Scorer {
  score(rankSource: string, rank: CompiledRank, hostIndex: number): number;
}

export class RankScorer implements Scorer {
  private readonly cache = new Map<string, { values: Float64Array; versions: Int32Array }>();

  constructor(
    private readonly ledger: Ledger,
    private readonly lookup: (hostIndex: number) => AttrLookup,
    private readonly dynamic: boolean,
  ) {}

  score(rankSource: string, rank: CompiledRank, i: number): number {
    let cache = this.cache.get(rankSource);
    if (!cache) {
      cache = { values: new Float64Array(this.ledger.hosts.length), versions: new Int32Array(this.ledger.hosts.length).fill(-1) };
      this.cache.set(rankSource, cache);
    }
    const version = this.dynamic ? this.ledger.hosts[i].version : 0;
    if (cache.versions[i] !== version) {
      cache.values[i] = rankValue(rank, version === 0 ? this.lookup(i) : this.planLookup(i));
      cache.versions[i] = version;
    }
    return cache.values[i];
  }

  /** The host's attributes with what the plan promised on it so far. */
  private planLookup(i: number): AttrLookup {
    const base = this.lookup(i);
    const b = this.ledger.hosts[i];
    const freeCpu = String(firstNumber(base, 'FREE_CPU') - (b.cpuUsage - b.baseCpuUsage));
    const freeMem = String(firstNumber(base, 'FREE_MEM') - (b.memUsage - b.baseMemUsage));
    return (attr) => {
      switch (attr) {
        case 'RUNNING_VMS': return [String(b.runningVms)];
        case 'CPU_USAGE': return [String(b.cpuUsage)];
        case 'MEM_USAGE': return [String(b.memUsage)];
        case 'FREE_CPU': return [freeCpu];
        case 'FREE_MEM': return [freeMem];
        default: return base(attr);
      }
    };
  }
}

function firstNumber(lookup: AttrLookup, attr: string): number {
  return Number(lookup(attr)[0] ?? 0) || 0;
}
