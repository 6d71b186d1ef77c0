/** The host index for ranks fixed for the whole plan: a flat segment tree over the hosts in rank order. */
import { sortedLeaves, type HostIndex } from './hostIndex';

/**
 * Ranks fixed for the whole plan (OpenNebula's placer computes them once): hosts are sorted
 * once by rank, and a flat segment tree over that order answers leftmost-fit queries.
 */
export class StaticHostTree implements HostIndex {
  private readonly size: number;
  private readonly maxC: Float64Array;
  private readonly maxM: Float64Array;
  private readonly rank: Float64Array;
  private readonly pos: Int32Array;
  private readonly leafAt: Int32Array;

  constructor(readonly leaves: number) {
    let size = 1;
    while (size < Math.max(1, leaves)) size <<= 1;
    this.size = size;
    this.maxC = new Float64Array(2 * size).fill(-Infinity);
    this.maxM = new Float64Array(2 * size).fill(-Infinity);
    this.rank = new Float64Array(leaves);
    this.pos = new Int32Array(leaves);
    this.leafAt = new Int32Array(leaves);
  }

  setRaw(leaf: number, cpu: number, mem: number, rank: number): void {
    this.rank[leaf] = Number.isNaN(rank) ? 0 : rank;
    // Capacity is parked at the leaf's own index until build() knows its place.
    this.maxC[this.size + leaf] = cpu;
    this.maxM[this.size + leaf] = mem;
  }

  build(order: ArrayLike<number> = sortedLeaves(this.rank)): void {
    const cpu = this.maxC.slice(this.size, this.size + this.leaves);
    const mem = this.maxM.slice(this.size, this.size + this.leaves);
    for (let p = 0; p < order.length; p++) {
      const leaf = order[p];
      this.pos[leaf] = p;
      this.leafAt[p] = leaf;
      this.maxC[this.size + p] = cpu[leaf];
      this.maxM[this.size + p] = mem[leaf];
    }
    for (let i = this.size - 1; i >= 1; i--) {
      this.maxC[i] = Math.max(this.maxC[2 * i], this.maxC[2 * i + 1]);
      this.maxM[i] = Math.max(this.maxM[2 * i], this.maxM[2 * i + 1]);
    }
  }

  /** Ranks are fixed: a new rank is ignored. */
  set(leaf: number, cpu: number, mem: number): void {
    const maxC = this.maxC;
    const maxM = this.maxM;
    let i = this.size + this.pos[leaf];
    maxC[i] = cpu;
    maxM[i] = mem;
    for (i >>= 1; i >= 1; i >>= 1) {
      const c = Math.max(maxC[2 * i], maxC[2 * i + 1]);
      const m = Math.max(maxM[2 * i], maxM[2 * i + 1]);
      // Nodes above an unchanged one are unchanged too.
      if (c === maxC[i] && m === maxM[i]) return;
      maxC[i] = c;
      maxM[i] = m;
    }
  }

  leafCpu(leaf: number): number { return this.maxC[this.size + this.pos[leaf]]; }
  leafMem(leaf: number): number { return this.maxM[this.size + this.pos[leaf]]; }
  leafRank(leaf: number): number { return this.rank[leaf]; }
  maxCpu(): number { return this.maxC[1]; }
  maxMem(): number { return this.maxM[1]; }

  best(needCpu: number, needMem: number): number {
    const p = this.find(1, needCpu, needMem);
    return p < 0 ? -1 : this.leafAt[p];
  }

  /**
   * The first leaf, in order, with cpu ≥ needCpu and mem ≥ needMem that `accept` takes, or -1.
   * Leaves it turns down are out of the search meanwhile (no room), then handed to `putBack`,
   * which sets their room again.
   */
  firstAccepted(needCpu: number, needMem: number, accept: (leaf: number) => boolean, putBack: (leaf: number) => void): number {
    const turnedDown: number[] = [];
    let found = -1;
    for (let leaf = this.best(needCpu, needMem); leaf >= 0; leaf = this.best(needCpu, needMem)) {
      if (accept(leaf)) {
        found = leaf;
        break;
      }
      this.set(leaf, -Infinity, -Infinity);
      turnedDown.push(leaf);
    }
    for (const leaf of turnedDown) putBack(leaf);
    return found;
  }

  /** Calls `visit` with every leaf that has cpu ≥ needCpu and mem ≥ needMem, in order, until it returns false. */
  forEachFit(needCpu: number, needMem: number, visit: (leaf: number) => boolean): void {
    this.walk(1, needCpu, needMem, visit);
  }

  private walk(node: number, c: number, m: number, visit: (leaf: number) => boolean): boolean {
    if (this.maxC[node] < c || this.maxM[node] < m) return true;
    if (node >= this.size) return visit(this.leafAt[node - this.size]);
    return this.walk(2 * node, c, m, visit) && this.walk(2 * node + 1, c, m, visit);
  }

  private find(node: number, c: number, m: number): number {
    if (this.maxC[node] < c || this.maxM[node] < m) return -1;
    if (node >= this.size) return node - this.size;
    const l = this.find(2 * node, c, m);
    return l >= 0 ? l : this.find(2 * node + 1, c, m);
  }
}
