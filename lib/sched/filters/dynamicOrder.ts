/** Dynamic rank mode: candidates re-ranked with what the plan already promised (best first, ties by lowest id). */
export function rankedNow(ids: readonly number[], rankOf: (id: number) => number): number[] {
  return ids.map((id) => ({ id, rank: rankOf(id) })).sort((a, b) => b.rank - a.rank || a.id - b.id).map((r) => r.id);
}
