/**
 * A segment tree over one group's candidate hosts (leaves in host-id order) holding, per
 * subtree, the most free CPU, the most free memory and the best rank. `best(cpu, mem)` finds
 * the best-ranked host with room (ties: the lowest leaf, i.e. the lowest host id) by a
 * branch-and-bound descent, so placing one job costs about O(log hosts) instead of a scan.
 */
export class HostTree {
  private readonly size: number;
  private readonly cpu: Float64Array;
  private readonly mem: Float64Array;
  private readonly rank: Float64Array;
  private bestLeaf = -1;
  private bestRank = -Infinity;

  constructor(readonly leaves: number) {
    let size = 1;
    while (size < Math.max(1, leaves)) size <<= 1;
    this.size = size;
    this.cpu = new Float64Array(2 * size).fill(-Infinity);
    this.mem = new Float64Array(2 * size).fill(-Infinity);
    this.rank = new Float64Array(2 * size).fill(-Infinity);
  }

  /** Sets one leaf without fixing its ancestors (call `build()` after a batch). */
  setRaw(leaf: number, cpu: number, mem: number, rank: number): void {
    const i = this.size + leaf;
    this.cpu[i] = cpu;
    this.mem[i] = mem;
    this.rank[i] = rank;
  }

  build(): void {
    for (let i = this.size - 1; i >= 1; i--) this.pull(i);
  }

  set(leaf: number, cpu: number, mem: number, rank: number): void {
    this.setRaw(leaf, cpu, mem, rank);
    for (let i = (this.size + leaf) >> 1; i >= 1; i >>= 1) this.pull(i);
  }

  leafCpu(leaf: number): number { return this.cpu[this.size + leaf]; }
  leafMem(leaf: number): number { return this.mem[this.size + leaf]; }
  leafRank(leaf: number): number { return this.rank[this.size + leaf]; }
  maxCpu(): number { return this.cpu[1]; }
  maxMem(): number { return this.mem[1]; }

  /** Best-ranked leaf with cpu ≥ needCpu and mem ≥ needMem, or -1. */
  best(needCpu: number, needMem: number): number {
    this.bestLeaf = -1;
    this.bestRank = -Infinity;
    this.visit(1, needCpu, needMem);
    return this.bestLeaf;
  }

  private pull(i: number): void {
    const l = 2 * i;
    const r = l + 1;
    this.cpu[i] = Math.max(this.cpu[l], this.cpu[r]);
    this.mem[i] = Math.max(this.mem[l], this.mem[r]);
    this.rank[i] = Math.max(this.rank[l], this.rank[r]);
  }

  private firstLeafOf(node: number): number {
    let i = node;
    while (i < this.size) i <<= 1;
    return i - this.size;
  }

  private visit(node: number, c: number, m: number): void {
    if (this.cpu[node] < c || this.mem[node] < m) return;
    const r = this.rank[node];
    if (this.bestLeaf >= 0) {
      if (r < this.bestRank) return;
      if (r === this.bestRank && this.firstLeafOf(node) > this.bestLeaf) return;
    }
    if (node >= this.size) {
      const leaf = node - this.size;
      if (leaf >= this.leaves) return;
      if (this.bestLeaf < 0 || r > this.bestRank || (r === this.bestRank && leaf < this.bestLeaf)) {
        this.bestLeaf = leaf;
        this.bestRank = r;
      }
      return;
    }
    const l = 2 * node;
    if (this.rank[l + 1] > this.rank[l]) {
      this.visit(l + 1, c, m);
      this.visit(l, c, m);
    } else {
      this.visit(l, c, m);
      this.visit(l + 1, c, m);
    }
  }
}
