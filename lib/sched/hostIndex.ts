/**
 * One group's candidate hosts kept in rank order (best rank first, ties by lowest host id),
 * searchable for the best-ranked host with CPU and memory room without a scan. Two
 * implementations: staticHostTree.ts when ranks are fixed for the plan (OpenNebula's placer),
 * dynamicHostTree.ts when they move as the plan places VMs (dynamic ranks).
 */
/** A group's hosts, searchable for the best-ranked one with room. */
export interface HostIndex {
  readonly leaves: number;
  setRaw(leaf: number, cpu: number, mem: number, rank: number): void;
  /** Puts the leaves in rank order; `order`, when given, is that order already (best first, ties by lowest leaf). */
  build(order?: ArrayLike<number>): void;
  set(leaf: number, cpu: number, mem: number, rank: number): void;
  leafCpu(leaf: number): number;
  leafMem(leaf: number): number;
  leafRank(leaf: number): number;
  maxCpu(): number;
  maxMem(): number;
  /**
   * Best-ranked leaf (ties: lowest leaf) with cpu ≥ needCpu and mem ≥ needMem, or -1. `again`:
   * the same search once more after the leaf it found was set aside or moved down (an index may
   * resume where it stopped).
   */
  best(needCpu: number, needMem: number, again?: boolean): number;
  /** Calls `visit` with every leaf that has cpu ≥ needCpu and mem ≥ needMem, best rank first, until it returns false; the index must not change meanwhile. */
  forEachFit(needCpu: number, needMem: number, visit: (leaf: number) => boolean): void;
}

/** Leaves best rank first, ties by lowest leaf. */
export function sortedLeaves(rank: Float64Array): number[] {
  return Array.from({ length: rank.length }, (_, i) => i).sort((a, b) => rank[b] - rank[a] || a - b);
}
