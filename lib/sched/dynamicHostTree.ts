/**
 * The host index for ranks that move during the plan: the hosts in rank order cut into blocks
 * that know their most free CPU and memory, under a segment tree over the blocks' maxima.
 */
import { sortedLeaves, type HostIndex } from './hostIndex';

function maxOf(values: Float64Array): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  return max;
}

interface Block {
  leaves: number[];
  /** Place in the block list (kept by `renumber`). */
  pos: number;
  /**
   * Most free CPU and memory of the block's leaves, or more: a leaf that shrinks or leaves does
   * not lower them (no block is touched then); a search that reads the whole block in vain
   * makes them exact.
   */
  maxC: number;
  maxM: number;
}

const BLOCK = 32;

/**
 * Ranks that move during the plan (dynamic mode): the hosts in rank order, cut into blocks of
 * 32 to 64 that know their most free CPU and memory, with a segment tree over the blocks'
 * maxima. Moving a host to its new rank costs O(64 + log blocks); a search descends to the
 * first block that may hold room in O(log blocks) and reads its leaves.
 */
export class DynamicHostTree implements HostIndex {
  private readonly rank: Float64Array;
  private readonly cpu: Float64Array;
  private readonly mem: Float64Array;
  private readonly blockOf: Block[];
  private blocks: Block[] = [];
  private lastBlock = 0;
  /** Rank and leaf of each block's last leaf, by place: a move's binary search reads two flat arrays, not every block it passes. */
  private readonly lastRank: Float64Array;
  private readonly lastLeaf: Int32Array;
  /** Segment tree over block places: most free CPU and memory below each node (bounds, as the blocks' own). */
  private segSize = 1;
  private segC = new Float64Array(2).fill(-Infinity);
  private segM = new Float64Array(2).fill(-Infinity);
  /** Blocks emptied by moves and kept in place. */
  private empty = 0;

  constructor(readonly leaves: number) {
    this.rank = new Float64Array(leaves);
    this.cpu = new Float64Array(leaves);
    this.mem = new Float64Array(leaves);
    this.blockOf = new Array(leaves);
    // Room for every block there can be: splits make blocks of 32 or more, and emptied blocks
    // are dropped before a split once they are a quarter of all.
    this.lastRank = new Float64Array(2 * leaves + 2);
    this.lastLeaf = new Int32Array(2 * leaves + 2);
  }

  setRaw(leaf: number, cpu: number, mem: number, rank: number): void {
    this.cpu[leaf] = cpu;
    this.mem[leaf] = mem;
    this.rank[leaf] = Number.isNaN(rank) ? 0 : rank;
  }

  build(order: ArrayLike<number> = sortedLeaves(this.rank)): void {
    this.blocks = [];
    for (let k = 0; k < order.length; k += BLOCK) {
      const block: Block = { leaves: Array.prototype.slice.call(order, k, Math.min(k + BLOCK, order.length)), pos: this.blocks.length, maxC: -Infinity, maxM: -Infinity };
      for (const leaf of block.leaves) this.blockOf[leaf] = block;
      this.refreshBlock(block);
      this.setLast(this.blocks.length, block);
      this.blocks.push(block);
    }
    this.renumber();
  }

  /**
   * Blocks were added or removed: places and the segment tree are rebuilt from place `from` on
   * (a split shifts only the blocks after it; anything else starts from 0).
   */
  private renumber(from = 0): void {
    const blocks = this.blocks;
    let size = 1;
    while (size < blocks.length) size <<= 1;
    if (size !== this.segSize) {
      this.segSize = size;
      this.segC = new Float64Array(2 * size);
      this.segM = new Float64Array(2 * size);
      from = 0;
    }
    const segC = this.segC;
    const segM = this.segM;
    if (from === 0) {
      segC.fill(-Infinity, size);
      segM.fill(-Infinity, size);
    }
    for (let k = from; k < blocks.length; k++) {
      const b = blocks[k];
      b.pos = k;
      segC[size + k] = b.maxC;
      segM[size + k] = b.maxM;
    }
    // Only the nodes above the places that changed, level by level.
    for (let lo = (size + from) >> 1, hi = (size + blocks.length - 1) >> 1; hi >= 1; lo >>= 1, hi >>= 1) {
      for (let n = lo; n <= hi; n++) {
        segC[n] = Math.max(segC[2 * n], segC[2 * n + 1]);
        segM[n] = Math.max(segM[2 * n], segM[2 * n + 1]);
      }
    }
  }

  /** A block's maxima changed: the nodes above it follow. */
  private lift(block: Block): void {
    const segC = this.segC;
    const segM = this.segM;
    let n = this.segSize + block.pos;
    segC[n] = block.maxC;
    segM[n] = block.maxM;
    for (n >>= 1; n >= 1; n >>= 1) {
      const c = Math.max(segC[2 * n], segC[2 * n + 1]);
      const m = Math.max(segM[2 * n], segM[2 * n + 1]);
      if (c === segC[n] && m === segM[n]) return;
      segC[n] = c;
      segM[n] = m;
    }
  }

  /** Place of the first block at or after `from` whose maxima reach (c, m), or -1. */
  private nextBlock(from: number, c: number, m: number): number {
    const segC = this.segC;
    const segM = this.segM;
    const size = this.segSize;
    if (from >= this.blocks.length) return -1;
    let n = size + from;
    // Climb while the node is unfit or to the left of `from`, then descend leftmost-fit.
    if (segC[n] < c || segM[n] < m) {
      for (;;) {
        // Step to the next subtree to the right.
        while (n & 1) n >>= 1;
        if (n === 0) return -1;
        n++;
        if (segC[n] >= c && segM[n] >= m) break;
      }
    }
    while (n < size) {
      n <<= 1;
      if (segC[n] < c || segM[n] < m) n++;
    }
    const k = n - size;
    return k < this.blocks.length ? k : -1;
  }

  private setLast(k: number, block: Block): void {
    const last = block.leaves[block.leaves.length - 1];
    this.lastLeaf[k] = last;
    this.lastRank[k] = this.rank[last];
  }

  /** Place of the first block whose last leaf does not come before (rank r, leaf) (the last block if none). */
  private blockAt(r: number, leaf: number): number {
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const lastRank = this.lastRank[mid];
      if (lastRank > r || (lastRank === r && this.lastLeaf[mid] < leaf)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  set(leaf: number, cpu: number, mem: number, rank: number): void {
    const r = Number.isNaN(rank) ? 0 : rank;
    if (r === this.rank[leaf]) {
      // Most changes are a host filling up: its block's maxima stay valid bounds, untouched.
      const grew = cpu > this.cpu[leaf] || mem > this.mem[leaf];
      this.cpu[leaf] = cpu;
      this.mem[leaf] = mem;
      if (grew) {
        const block = this.blockOf[leaf];
        if (cpu > block.maxC || mem > block.maxM) {
          if (cpu > block.maxC) block.maxC = cpu;
          if (mem > block.maxM) block.maxM = mem;
          this.lift(block);
        }
      }
      return;
    }
    const block = this.blockOf[leaf];
    const ls = block.leaves;
    const at = ls.indexOf(leaf);
    for (let k = at; k < ls.length - 1; k++) ls[k] = ls[k + 1];
    ls.pop();
    if (at === ls.length) {
      // It was the block's last leaf.
      const k = block.pos;
      // An emptied block stays in place, its last rank kept as a boundary: places do not move.
      if (ls.length !== 0) this.setLast(k, block);
      else this.empty++;
    }
    if (ls.length === 0) {
      block.maxC = -Infinity;
      block.maxM = -Infinity;
      this.lift(block);
    }
    this.cpu[leaf] = cpu;
    this.mem[leaf] = mem;
    this.rank[leaf] = r;
    this.insert(leaf);
  }

  leafCpu(leaf: number): number { return this.cpu[leaf]; }
  leafMem(leaf: number): number { return this.mem[leaf]; }
  leafRank(leaf: number): number { return this.rank[leaf]; }

  /** Exact, read from the leaves (block maxima may be bounds); asked only to explain a wait. */
  maxCpu(): number {
    return maxOf(this.cpu);
  }

  maxMem(): number {
    return maxOf(this.mem);
  }

  best(needCpu: number, needMem: number, again = false): number {
    // Blocks before the one a search stopped in had no room then, and setting a leaf aside or
    // moving it down gives them none: a repeated search starts one block before.
    const cpu = this.cpu;
    const mem = this.mem;
    for (let k = this.nextBlock(again ? Math.max(0, this.lastBlock - 1) : 0, needCpu, needMem); k >= 0; k = this.nextBlock(k + 1, needCpu, needMem)) {
      const b = this.blocks[k];
      const ls = b.leaves;
      let c = -Infinity;
      let m = -Infinity;
      for (let j = 0; j < ls.length; j++) {
        const leaf = ls[j];
        const lc = cpu[leaf];
        const lm = mem[leaf];
        if (lc >= needCpu && lm >= needMem) {
          this.lastBlock = k;
          return leaf;
        }
        if (lc > c) c = lc;
        if (lm > m) m = lm;
      }
      // Read whole and nothing fits: its exact maxima let the next searches skip it.
      this.tighten(b, c, m);
    }
    return -1;
  }

  forEachFit(needCpu: number, needMem: number, visit: (leaf: number) => boolean): void {
    const cpu = this.cpu;
    const mem = this.mem;
    for (let k = this.nextBlock(0, needCpu, needMem); k >= 0; k = this.nextBlock(k + 1, needCpu, needMem)) {
      const b = this.blocks[k];
      const ls = b.leaves;
      for (let j = 0; j < ls.length; j++) {
        const leaf = ls[j];
        if (cpu[leaf] >= needCpu && mem[leaf] >= needMem && !visit(leaf)) return;
      }
    }
  }

  /** A block's exact maxima, found by a search that read all of it. */
  private tighten(b: Block, c: number, m: number): void {
    if (c !== b.maxC || m !== b.maxM) {
      b.maxC = c;
      b.maxM = m;
      this.lift(b);
    }
  }

  /** a comes before b: higher rank, then lower leaf. */
  private before(a: number, b: number): boolean {
    return this.rank[a] > this.rank[b] || (this.rank[a] === this.rank[b] && a < b);
  }

  private insert(leaf: number): void {
    if (this.blocks.length === 0) {
      const block: Block = { leaves: [leaf], pos: 0, maxC: this.cpu[leaf], maxM: this.mem[leaf] };
      this.blocks.push(block);
      this.blockOf[leaf] = block;
      this.setLast(0, block);
      this.renumber();
      return;
    }
    const lo = this.blockAt(this.rank[leaf], leaf);
    const block = this.blocks[lo];
    const ls = block.leaves;
    let a = 0;
    let z = ls.length;
    while (a < z) {
      const mid = (a + z) >> 1;
      if (this.before(ls[mid], leaf)) a = mid + 1;
      else z = mid;
    }
    ls.push(leaf);
    for (let k = ls.length - 1; k > a; k--) ls[k] = ls[k - 1];
    ls[a] = leaf;
    this.blockOf[leaf] = block;
    if (a === ls.length - 1) this.setLast(lo, block);
    if (this.cpu[leaf] > block.maxC || this.mem[leaf] > block.maxM) {
      block.maxC = Math.max(block.maxC, this.cpu[leaf]);
      block.maxM = Math.max(block.maxM, this.mem[leaf]);
      this.lift(block);
    }
    if (ls.length > 2 * BLOCK) this.overflow(lo);
  }

  /**
   * A block grew past 2 × BLOCK: its first leaves go to the end of the block before, or its last
   * ones to the start of the block after, when that one has room (ranks mostly drift one way,
   * so blocks fill on one side and drain on the other); only otherwise is it split, which moves
   * the places of the blocks after it.
   */
  private overflow(lo: number): void {
    const block = this.blocks[lo];
    const ls = block.leaves;
    const surplus = ls.length - BLOCK - (BLOCK >> 1);
    const prev = lo > 0 ? this.blocks[lo - 1] : undefined;
    const next = lo + 1 < this.blocks.length ? this.blocks[lo + 1] : undefined;
    if (prev && prev.leaves.length + surplus <= 2 * BLOCK - (BLOCK >> 1)) {
      const moved = ls.splice(0, surplus);
      for (const l of moved) {
        prev.leaves.push(l);
        this.blockOf[l] = prev;
      }
      if (prev.leaves.length === surplus) this.empty--;
      this.setLast(lo - 1, prev);
      this.refreshBlock(prev);
      this.refreshBlock(block);
      return;
    }
    if (next && next.leaves.length + surplus <= 2 * BLOCK - (BLOCK >> 1)) {
      const moved = ls.splice(ls.length - surplus, surplus);
      for (const l of moved) this.blockOf[l] = next;
      if (next.leaves.length === 0) {
        this.empty--;
        next.leaves = moved;
        this.setLast(lo + 1, next);
      } else {
        next.leaves = moved.concat(next.leaves);
      }
      this.setLast(lo, block);
      this.refreshBlock(next);
      this.refreshBlock(block);
      return;
    }
    if (this.empty * 4 > this.blocks.length) {
      // Many emptied blocks: drop them (places change once for many splits to come).
      this.blocks = this.blocks.filter((b) => b.leaves.length !== 0);
      this.empty = 0;
      // Places moved: a repeated search starts over.
      this.lastBlock = 0;
      this.blocks.forEach((b, k) => this.setLast(k, b));
      this.renumber();
      this.overflow(block.pos);
      return;
    }
    const tail: Block = { leaves: ls.splice(BLOCK), pos: 0, maxC: -Infinity, maxM: -Infinity };
    for (const l of tail.leaves) this.blockOf[l] = tail;
    this.refreshBlock(block);
    this.refreshBlock(tail);
    this.blocks.splice(lo + 1, 0, tail);
    this.lastRank.copyWithin(lo + 2, lo + 1, this.blocks.length - 1);
    this.lastLeaf.copyWithin(lo + 2, lo + 1, this.blocks.length - 1);
    this.setLast(lo, block);
    this.setLast(lo + 1, tail);
    this.renumber(lo);
  }

  private refreshBlock(block: Block): void {
    let c = -Infinity;
    let m = -Infinity;
    for (const leaf of block.leaves) {
      if (this.cpu[leaf] > c) c = this.cpu[leaf];
      if (this.mem[leaf] > m) m = this.mem[leaf];
    }
    block.maxC = c;
    block.maxM = m;
    // During build() and splits the tree is rebuilt right after; a block not placed yet has no node.
    if (this.blocks[block.pos] === block) this.lift(block);
  }
}
