import { describe, expect, it } from 'vitest';
import { atoi, decimalToFloat, floatToInt, parseFloatLikeIstream, parseIntLikeIstream } from '../../../lib/sched/expr/numbers';

// Expected values printed by libstdc++ (`istringstream >> std::dec >> int/float`) on Debian 12.
const ISTREAM: [string, number | 'fail', number | 'fail'][] = [
  ['12abc', 12, 12],
  [' 7', 7, 7],
  ['1e', 'fail', 1],
  ['1e5x', 100000, 1],
  ['.5', 0.5, 'fail'],
  ['.', 'fail', 'fail'],
  ['+-1', 'fail', 'fail'],
  ['0x1A', 0, 0],
  ['3.4e39', 'fail', 3],
  ['1e-50', 0, 1],
  ['2147483648', 2147483648, 'fail'],
  ['-2147483648', -2147483648, -2147483648],
  ['inf', 'fail', 'fail'],
  ['nan', 'fail', 'fail'],
  ['5.', 5, 5],
  ['1.e2', 100, 1],
  ['- 5', 'fail', 'fail'],
  ['9999999999', 10000000000, 'fail'],
  ['', 'fail', 'fail'],
  ['\n\t 42\n', 42, 42],
];

describe('attribute text read as a number (ObjectXML::xpaths<T>)', () => {
  it('matches libstdc++ for float and int', () => {
    for (const [text, asFloat, asInt] of ISTREAM) {
      const f = parseFloatLikeIstream(text);
      const i = parseIntLikeIstream(text);
      expect({ text, f: Number.isNaN(f) ? 'fail' : f, i: Number.isNaN(i) ? 'fail' : i }).toEqual({ text, f: asFloat === 'fail' ? 'fail' : Math.fround(asFloat), i: asInt });
    }
  });

  it('rounds a decimal to float once, as strtof does, where fround(Number()) would round twice', () => {
    // 1 + 2^-24 is halfway between the floats 1 and 1 + 2^-23; the decimal is just above it.
    expect(decimalToFloat('1.0000000596046447753906250001')).toBe(1.00000011920928955078125);
    expect(Math.fround(Number('1.0000000596046447753906250001'))).toBe(1);
    expect(decimalToFloat('1.0000000596046447753906249999')).toBe(1);
    expect(decimalToFloat('1.000000059604644775390625')).toBe(1); // an exact tie goes to even
  });
});

describe('scanner and cast conversions', () => {
  it('atoi saturates like glibc strtol then keeps 32 bits', () => {
    expect(atoi('42')).toBe(42);
    expect(atoi('-0')).toBe(0);
    expect(atoi('4294967297')).toBe(1);
    expect(atoi('-99999999999999999999')).toBe(0);
  });

  it('static_cast<int> truncates and gives INT_MIN out of range', () => {
    expect(floatToInt(2.9)).toBe(2);
    expect(floatToInt(-2.9)).toBe(-2);
    expect(floatToInt(Infinity)).toBe(-2147483648);
    expect(floatToInt(NaN)).toBe(-2147483648);
    expect(floatToInt(-2147483648)).toBe(-2147483648);
  });
});
