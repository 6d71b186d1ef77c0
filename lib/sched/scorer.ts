/**
 * Phase 3, score: the rank policy as a Scorer. A host's rank for a rank expression is
 * computed once per plan from the snapshot ('opennebula', as OpenNebula's placer does), or
 * again after each change the plan makes to the host ('dynamic': RUNNING_VMS, CPU_USAGE,
 * MEM_USAGE, FREE_CPU, FREE_MEM then include the plan's promises). Values are kept per
 * (rank expression, host), so groups sharing a rank share its evaluations.
 */
import type { AttrLookup, CompiledRank } from './expr';
import { rankValue } from './exprCache';
import type { Ledger } from './ledger';
import { sortedLeaves } from './hostIndex';

/** One method: the score of a host (ledger index) under a rank expression. */
export interface Scorer {
  score(rankSource: string, rank: CompiledRank, hostIndex: number): number;
}

/** The values of one rank expression per host, with the ledger version each was computed at. */
export interface RankTable {
  readonly rank: CompiledRank;
  readonly values: Float64Array;
  readonly versions: Int32Array;
  /** Ranks as the snapshot gives them, and the hosts sorted by them (best first, ties by lowest ledger index), made once for every group of this rank. */
  initial?: { readonly values: Float64Array; readonly order: Int32Array };
}

export class RankScorer implements Scorer {
  private readonly cache = new Map<string, RankTable>();
  private readonly planLookups: (AttrLookup | undefined)[] = [];

  constructor(
    private readonly ledger: Ledger,
    private readonly lookup: (hostIndex: number) => AttrLookup,
    private readonly dynamic: boolean,
  ) {}

  score(rankSource: string, rank: CompiledRank, i: number): number {
    return this.scoreIn(this.table(rankSource, rank), i);
  }

  /** The table of one rank expression, shared by every caller of the same source. */
  table(rankSource: string, rank: CompiledRank): RankTable {
    let table = this.cache.get(rankSource);
    if (!table) {
      table = { rank, values: new Float64Array(this.ledger.hosts.length), versions: new Int32Array(this.ledger.hosts.length).fill(-1) };
      this.cache.set(rankSource, table);
    }
    return table;
  }

  /** The snapshot's ranks of one expression, and every host in their order: groups of this rank build their trees from it without a sort of their own. */
  initial(table: RankTable): { readonly values: Float64Array; readonly order: Int32Array } {
    if (!table.initial) {
      const n = this.ledger.hosts.length;
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        // Snapshot values are the cache's version 0: each is computed once, for both.
        if (table.versions[i] === 0) {
          values[i] = table.values[i];
          continue;
        }
        values[i] = rankValue(table.rank, this.lookup(i));
        if (table.versions[i] === -1) {
          table.values[i] = values[i];
          table.versions[i] = 0;
        }
      }
      table.initial = { values, order: Int32Array.from(sortedLeaves(values)) };
    }
    return table.initial;
  }

  scoreIn(table: RankTable, i: number): number {
    const version = this.dynamic ? this.ledger.hosts[i].version : 0;
    if (table.versions[i] !== version) {
      table.values[i] = rankValue(table.rank, version === 0 ? this.lookup(i) : this.planLookup(i));
      table.versions[i] = version;
    }
    return table.values[i];
  }

  /**
   * The host's attributes with what the plan promised on it so far, read from the ledger when
   * asked (one lookup per host; the snapshot's FREE_CPU / FREE_MEM are read once).
   */
  private planLookup(i: number): AttrLookup {
    let lookup = this.planLookups[i];
    if (lookup === undefined) {
      const base = this.lookup(i);
      const b = this.ledger.hosts[i];
      let freeCpu: number | undefined;
      let freeMem: number | undefined;
      const numeric = (attr: string): number | undefined => {
        switch (attr) {
          case 'RUNNING_VMS': return b.runningVms;
          case 'CPU_USAGE': return b.cpuUsage;
          case 'MEM_USAGE': return b.memUsage;
          case 'FREE_CPU':
            freeCpu ??= firstNumber(base, 'FREE_CPU');
            return freeCpu - (b.cpuUsage - b.baseCpuUsage);
          case 'FREE_MEM':
            freeMem ??= firstNumber(base, 'FREE_MEM');
            return freeMem - (b.memUsage - b.baseMemUsage);
          default: return undefined;
        }
      };
      // Ranks read the plan's figures as numbers; anything else (and requirements) reads text.
      lookup = Object.assign((attr: string) => {
        const n = numeric(attr);
        return n === undefined ? base(attr) : [String(n)];
      }, { numeric });
      this.planLookups[i] = lookup;
    }
    return lookup;
  }
}

function firstNumber(lookup: AttrLookup, attr: string): number {
  return Number(lookup(attr)[0] ?? 0) || 0;
}
