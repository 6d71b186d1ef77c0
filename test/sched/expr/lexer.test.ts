import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../lib/sched/expr/lexer';

const kinds = (src: string) => tokenize(src).tokens.map((t) => `${t.kind}:${t.text}`);

describe('tokenize (expr_parser.l)', () => {
  it('reads words, operators and numbers', () => {
    expect(kinds('CPU_1 > 2 & A != 1.5')).toEqual(['word:CPU_1', 'op:>', 'int:2', 'op:&', 'word:A', 'op:!', 'op:=', 'float:1.5', 'end:']);
  });

  it('reads a minus directly before a digit as part of the number (longest match)', () => {
    // Prepare / Act
    const t = tokenize('FREE_CPU-1 - 2').tokens;
    // Assess
    expect(t.map((x) => x.text)).toEqual(['FREE_CPU', '-1', '-', '2', '']);
    expect(t[1].num).toBe(-1);
  });

  it('gives a quoted string its inner text and `""` a NULL string', () => {
    const t = tokenize('"CLUSTERS/ID" = "" "a b"').tokens;
    expect(t[0]).toMatchObject({ kind: 'quoted', str: 'CLUSTERS/ID' });
    expect(t[2]).toMatchObject({ kind: 'quoted', str: null });
    expect(t[3]).toMatchObject({ kind: 'quoted', str: 'a b' });
  });

  it('drops characters no rule matches, as flex echoes them away', () => {
    const { tokens, ignored } = tokenize("NAME = 'kvm'.\n");
    expect(tokens.map((x) => x.text)).toEqual(['NAME', '=', 'kvm', '']);
    expect(ignored.map((i) => i.char)).toEqual(["'", "'", '.', '\n']);
  });

  it('drops an unterminated quote and reads what follows it', () => {
    expect(kinds('A = "kvm')).toEqual(['word:A', 'op:=', 'word:kvm', 'end:']);
  });

  it('reads "12." as an integer followed by an ignored dot, and "1.2.3" as 1.2 then 3', () => {
    expect(kinds('12.')).toEqual(['int:12', 'end:']);
    expect(kinds('1.2.3')).toEqual(['float:1.2', 'int:3', 'end:']);
  });

  it('skips only spaces and tabs as blanks', () => {
    expect(tokenize(' \tA\t').tokens.map((t) => t.start)).toEqual([2, 4]);
  });

  it('stops at the first NUL, as flex scans expr.c_str()', () => {
    expect(kinds('A = 1\0 & B')).toEqual(['word:A', 'op:=', 'int:1', 'end:']);
  });

  it('converts INTEGER with atoi (64-bit strtol saturation, then int) and FLOAT to a C float', () => {
    const [big, huge, small, f] = tokenize('2147483648 99999999999999999999 -2147483649 0.1').tokens;
    expect(big.num).toBe(-2147483648);
    expect(huge.num).toBe(-1); // LONG_MAX keeps its low 32 bits
    expect(small.num).toBe(2147483647);
    expect(f.num).toBe(Math.fround(0.1));
  });

  it('returns the same operators OpenNebula knows, including the unused ^', () => {
    expect(kinds('@!&|=><()*+/^-').slice(0, -1)).toEqual('@!&|=><()*+/^-'.split('').map((c) => `op:${c}`));
  });
});
