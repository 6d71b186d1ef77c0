import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HostTree, StaticHostTree, type HostIndex } from '../../lib/sched/hostTree';

/** The best-ranked leaf (ties: lowest) with room, by brute force. */
function brute(rank: number[], cpu: number[], mem: number[], c: number, m: number): number {
  let best = -1;
  for (let i = 0; i < rank.length; i++) {
    if (cpu[i] >= c && mem[i] >= m && (best < 0 || rank[i] > rank[best])) best = i;
  }
  return best;
}

const op = fc.record({ leaf: fc.nat(), cpu: fc.integer({ min: -5, max: 20 }), mem: fc.integer({ min: -5, max: 20 }), rank: fc.integer({ min: 0, max: 4 }), c: fc.nat(20), m: fc.nat(20) });

describe('host indexes', () => {
  it('find the best-ranked host with room, as a scan would, through any updates', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 200 }), fc.array(op, { maxLength: 200 }), fc.boolean(), (n, ops, dynamic) => {
      // Prepare
      const index: HostIndex = dynamic ? new HostTree(n) : new StaticHostTree(n);
      const rank = Array.from({ length: n }, (_, i) => (i * 7) % 5);
      const cpu = Array.from({ length: n }, (_, i) => (i * 3) % 11);
      const mem = Array.from({ length: n }, (_, i) => (i * 5) % 13);
      rank.forEach((r, i) => index.setRaw(i, cpu[i], mem[i], r));
      index.build();
      for (const o of ops) {
        // Act: a static index keeps its ranks
        const leaf = o.leaf % n;
        cpu[leaf] = o.cpu;
        mem[leaf] = o.mem;
        if (dynamic) rank[leaf] = o.rank;
        index.set(leaf, o.cpu, o.mem, o.rank);
        // Assess
        expect(index.best(o.c, o.m)).toBe(brute(rank, cpu, mem, o.c, o.m));
        expect(index.maxCpu()).toBe(Math.max(...cpu));
      }
    }), { numRuns: 60 });
  });

  it('enumerates every leaf with room, in order', () => {
    const t = new StaticHostTree(5);
    [3, 9, 1, 9, 4].forEach((v, i) => t.setRaw(i, v, v, 0));
    t.build();
    const seen: number[] = [];
    t.forEachFit(4, 4, (leaf) => { seen.push(leaf); return true; });
    expect(seen).toEqual([1, 3, 4]);
  });
});
