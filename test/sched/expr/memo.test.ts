import { describe, expect, it } from 'vitest';
import { compileRank, compileRequirement, ExprSyntaxError } from '../../../lib/sched/expr';
import { MEMO_LIMITS, memoSizes } from '../../../lib/sched/expr/compile';
import { LruMap } from '../../../lib/sched/expr/lru';
import { mapLookup } from './helpers';

describe('LruMap', () => {
  it('drops the least recently used entry first, a read counting as a use', () => {
    // Prepare
    const m = new LruMap<string, number>(3);
    m.set('a', 1);
    m.set('b', 2);
    m.set('c', 3);
    // Act
    m.get('a');
    m.set('d', 4);
    // Assess
    expect([m.get('a'), m.get('b'), m.get('c'), m.get('d')]).toEqual([1, undefined, 3, 4]);
    expect(m.size).toBe(3);
  });

  it('keeps the total weight under its bound, and never keeps an entry heavier than the bound', () => {
    const m = new LruMap<string, string>(100, 10);
    m.set('a', 'x', 4);
    m.set('b', 'x', 4);
    m.set('c', 'x', 4);
    expect([m.get('a'), m.get('b'), m.get('c')]).toEqual([undefined, 'x', 'x']);
    expect(m.weight).toBe(8);
    m.set('huge', 'x', 11);
    expect(m.get('huge')).toBeUndefined();
    expect(m.weight).toBeLessThanOrEqual(10);
  });

  it('replaces an entry without counting its weight twice', () => {
    const m = new LruMap<string, number>(10, 10);
    m.set('a', 1, 6);
    m.set('a', 2, 6);
    expect(m.get('a')).toBe(2);
    expect(m.weight).toBe(6);
  });
});

describe('compiled-expression memos stay bounded', () => {
  it('holds at most its bound of compiled requirements after 100,000 distinct ones, the ones in use kept', () => {
    // Prepare: one expression every plan uses, between a stream of distinct ones.
    const inUse = compileRequirement('HYPERVISOR = kvm');
    // Act
    for (let k = 0; k < 100_000; k++) {
      compileRequirement(`FREE_CPU > ${k}`);
      if (k % 1000 === 0) compileRequirement('HYPERVISOR = kvm');
    }
    // Assess
    const sizes = memoSizes().requirements;
    expect(sizes.entries).toBe(MEMO_LIMITS.entries);
    expect(sizes.chars).toBeLessThanOrEqual(MEMO_LIMITS.chars);
    expect(compileRequirement('HYPERVISOR = kvm')).toBe(inUse);
    expect(compileRequirement('FREE_CPU > 99999').test(mapLookup({ FREE_CPU: '100000' }))).toBe(true);
  });

  it('holds at most its bound of refused expressions after 100,000 distinct ones, each still refused', () => {
    // Prepare
    const compiled = compileRequirement('RACK = r1');
    const before = memoSizes().requirements.entries;
    // Act
    for (let k = 0; k < 100_000; k++) expect(() => compileRequirement(`FREE_CPU > > ${k}`)).toThrow(ExprSyntaxError);
    // Assess
    const sizes = memoSizes();
    expect(sizes.requirementErrors.entries).toBe(MEMO_LIMITS.errors);
    expect(sizes.requirementErrors.chars).toBeLessThanOrEqual(MEMO_LIMITS.errorChars);
    // Refused sources do not push out compiled ones.
    expect(sizes.requirements.entries).toBe(before);
    expect(compileRequirement('RACK = r1')).toBe(compiled);
    expect(() => compileRequirement('FREE_CPU > > 0')).toThrow(/column 12/);
  });

  it('bounds long sources by their total length, not only by their number', () => {
    // Requirements are at most 4,096 characters (schemas/submitJob.json).
    for (let k = 0; k < 1000; k++) compileRequirement(`A = "${'x'.repeat(4000)}${k}"`);
    const sizes = memoSizes().requirements;
    expect(sizes.chars).toBeLessThanOrEqual(MEMO_LIMITS.chars);
    expect(sizes.entries).toBeLessThanOrEqual(Math.ceil(MEMO_LIMITS.chars / 4000));
  });

  it('bounds ranks the same way', () => {
    for (let k = 0; k < 20_000; k++) compileRank(`FREE_CPU * ${k}`);
    for (let k = 0; k < 20_000; k++) expect(() => compileRank(`FREE_CPU * * ${k}`)).toThrow(ExprSyntaxError);
    const sizes = memoSizes();
    expect(sizes.ranks.entries).toBe(MEMO_LIMITS.entries);
    expect(sizes.rankErrors.entries).toBe(MEMO_LIMITS.errors);
  });
});
