import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DynamicHostTree } from '../../lib/sched/dynamicHostTree';
import type { HostIndex } from '../../lib/sched/hostIndex';
import { StaticHostTree } from '../../lib/sched/staticHostTree';

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
      const index: HostIndex = dynamic ? new DynamicHostTree(n) : new StaticHostTree(n);
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

  it('keeps rank order while hosts pile onto few ranks (blocks fill, empty, hand leaves on and split)', () => {
    fc.assert(fc.property(fc.integer({ min: 60, max: 400 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 2 }), fc.nat(12)), { minLength: 200, maxLength: 1500 }), (n, moves) => {
      // Prepare: every host in rank order, then most of them moved onto three ranks
      const index = new DynamicHostTree(n);
      const rank = Array.from({ length: n }, (_, i) => i);
      const room = Array.from({ length: n }, (_, i) => i % 13);
      rank.forEach((r, i) => index.setRaw(i, room[i], room[i], r));
      index.build();
      const fresh = (need: number): number => Array.from({ length: n }, (_, i) => i)
        .sort((a, b) => rank[b] - rank[a] || a - b).find((l) => room[l] >= need) ?? -1;
      for (const [pick, r, free] of moves) {
        // Act: a host moves; or the one a search found moves down and the search is repeated
        const need = free % 13;
        const found = pick % 2 === 0 ? index.best(need, need) : -1;
        const leaf = found >= 0 ? found : pick % n;
        rank[leaf] = found >= 0 ? Math.min(rank[leaf], r) - 1 : r;
        room[leaf] = free;
        index.set(leaf, free, free, rank[leaf]);
        if (found >= 0) expect(index.best(need, need, true)).toBe(fresh(need));
      }
      // Assess: the search and the enumeration agree with a sort
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => rank[b] - rank[a] || a - b);
      for (let need = 0; need <= 13; need++) {
        const fits = order.filter((l) => room[l] >= need);
        const seen: number[] = [];
        index.forEachFit(need, need, (leaf) => { seen.push(leaf); return true; });
        expect(seen).toEqual(fits);
        expect(index.best(need, need)).toBe(fits[0] ?? -1);
      }
    }), { numRuns: 40 });
  });

  it('enumerates every leaf with room, in order', () => {
    const t = new StaticHostTree(5);
    [3, 9, 1, 9, 4].forEach((v, i) => t.setRaw(i, v, v, 0));
    t.build();
    const seen: number[] = [];
    t.forEachFit(4, 4, (leaf) => { seen.push(leaf); return true; });
    expect(seen).toEqual([1, 3, 4]);
  });

  it('gives the first leaf with room that the caller accepts, and puts back the ones it turned down', () => {
    fc.assert(fc.property(fc.array(fc.nat(9), { minLength: 1, maxLength: 40 }), fc.nat(9), fc.func(fc.boolean()), (room, need, accepts) => {
      // Prepare
      const t = new StaticHostTree(room.length);
      room.forEach((v, i) => t.setRaw(i, v, v, 0));
      t.build();
      const asked: number[] = [];
      const putBack: number[] = [];

      // Act
      const found = t.firstAccepted(need, need, (leaf) => (asked.push(leaf), accepts(leaf)), (leaf) => {
        putBack.push(leaf);
        t.set(leaf, room[leaf]!, room[leaf]!);
      });

      // Assess: leaves with room asked in order up to the first accepted; the others put back, the tree as before
      const fits = room.map((v, i) => (v >= need ? i : -1)).filter((i) => i >= 0);
      const expected = fits.find((leaf) => accepts(leaf)) ?? -1;
      expect(found).toBe(expected);
      expect(asked).toEqual(expected < 0 ? fits : fits.slice(0, fits.indexOf(expected) + 1));
      expect(putBack).toEqual(asked.filter((leaf) => leaf !== expected));
      const after: number[] = [];
      t.forEachFit(need, need, (leaf) => (after.push(leaf), true));
      expect(after).toEqual(fits);
    }), { numRuns: 100 });
  });
});
