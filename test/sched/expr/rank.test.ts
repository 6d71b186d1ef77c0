import { describe, expect, it } from 'vitest';
import { compileRank, withCurrentVms } from '../../../lib/sched/expr';
import { mapLookup } from './helpers';

const host = mapLookup({ FREE_CPU: '1400', RUNNING_VMS: '3', LOAD: '0.75', RACK: '12abc', NAME: 'kvm', BIG: '16777217', TINY: '0.1' });
const rank = (src: string, lookup = host) => compileRank(src).value(lookup);

describe('compileRank (expr_arith.y)', () => {
  it('evaluates + - * / and parentheses', () => {
    expect(rank('FREE_CPU - RUNNING_VMS * 100')).toBe(1100);
    expect(rank('(FREE_CPU - RUNNING_VMS) * 2')).toBe(2794);
    expect(rank('- RUNNING_VMS')).toBe(-3);
    expect(rank('FREE_CPU / 3')).toBe(466);
  });

  it('truncates the result toward zero', () => {
    expect(rank('LOAD * 10')).toBe(7);
    expect(rank('- LOAD * 10')).toBe(-7);
    expect(rank('7 / 2')).toBe(3);
  });

  it('counts a missing or unreadable attribute as 0, and reads "12abc" as 12', () => {
    expect(rank('MISSING + 5')).toBe(5);
    expect(rank('NAME + 5')).toBe(5);
    expect(rank('RACK')).toBe(12);
  });

  it('computes in C float, not double', () => {
    // 16777217 is not a float: it reads as 16777216.
    expect(rank('BIG')).toBe(16777216);
    expect(rank('BIG + 1')).toBe(16777216);
    expect(rank('TINY * 30')).toBe(3);
    // In double this is 0.0000000037 and truncates to 0; OpenNebula's float arithmetic gives 2.
    expect(rank('0.1 * 3 * 100000000 - 30000000')).toBe(2);
    expect(rank('10000000 * 10000000 / 10000000')).toBe(10000000);
  });

  it('applies unary minus to a whole product, as its precedence is that of -', () => {
    // -(a*b) and (-a)*b are equal in IEEE arithmetic; the tree shape matters for rounding only.
    expect(rank('- 3 * 2 + 10')).toBe(4);
  });

  it('turns division by zero and out-of-range results into INT_MIN, as x86-64 static_cast<int> does', () => {
    expect(rank('1 / 0')).toBe(-2147483648);
    expect(rank('0 / 0')).toBe(-2147483648);
    expect(rank('3000000000.0')).toBe(-2147483648);
    // An INTEGER token is atoi()'d first: 3000000000 wraps to a negative int.
    expect(rank('3000000000')).toBe(-1294967296);
    expect(rank('2147483520')).toBe(2147483520);
  });

  it('is 0 for an empty expression', () => {
    expect(rank('')).toBe(0);
  });

  it('reads CURRENT_VMS on a host as 0 when VM 0 runs there, else -1 (HostXML::search<float>)', () => {
    expect(rank('CURRENT_VMS', withCurrentVms(mapLookup({}), [4, 5]))).toBe(-1);
    expect(rank('CURRENT_VMS', withCurrentVms(mapLookup({}), [0]))).toBe(0);
  });

  it('compiles each distinct source once', () => {
    expect(compileRank('FREE_CPU')).toBe(compileRank('FREE_CPU'));
  });
});
