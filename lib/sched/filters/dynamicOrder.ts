/**
 * Dynamic rank mode for datastores and networks: candidates re-ranked with one attribute
 * (FREE_MB, USED_LEASES) as the plan left it; best first, ties by lowest id.
 */
import { overlayLookup, rankValue } from '../exprCache';
import type { AttrLookup, CompiledRank } from '../expr';

export interface Promised<T> {
  get(id: number): T | undefined;
  lookup(o: T): AttrLookup;
  readonly attr: string;
  /** The attribute as the plan leaves it, and as the snapshot had it. */
  now(o: T): number;
  before(o: T): number;
}

export function rankedNow<T>(ids: readonly number[], rank: CompiledRank, p: Promised<T>): number[] {
  return ids.map((id) => {
    const o = p.get(id);
    if (o === undefined) return { id, rank: -Infinity };
    const base = p.lookup(o);
    const lookup = p.now(o) === p.before(o) ? base : overlayLookup(base, new Map([[p.attr, String(p.now(o))]]));
    return { id, rank: rankValue(rank, lookup) };
  }).sort((a, b) => b.rank - a.rank || a.id - b.id).map((r) => r.id);
}
