import { describe, expect, it } from 'vitest';
import { ExprSyntaxError } from '../../../lib/sched/expr';
import type { ArithNode, BoolNode } from '../../../lib/sched/expr/ast';
import { parseRankAst, parseRequirementAst } from '../../../lib/sched/expr/parser';

function showBool(n: BoolNode): string {
  switch (n.type) {
    case 'cmp':
      return n.attr;
    case 'not':
      return `!${showBool(n.operand)}`;
    case 'group':
      return showBool(n.inner);
    default:
      return `(${showBool(n.left)} ${n.type === 'and' ? '&' : '|'} ${showBool(n.right)})`;
  }
}

function showArith(n: ArithNode): string {
  switch (n.type) {
    case 'attr':
      return n.attr;
    case 'num':
      return String(n.value);
    case 'neg':
      return `-${showArith(n.operand)}`;
    case 'group':
      return showArith(n.inner);
    default:
      return `(${showArith(n.left)} ${n.op} ${showArith(n.right)})`;
  }
}

const bool = (s: string) => showBool(parseRequirementAst(s).ast!);
const arith = (s: string) => showArith(parseRankAst(s).ast!);

function syntaxError(run: () => unknown): ExprSyntaxError {
  try {
    run();
  } catch (e) {
    if (e instanceof ExprSyntaxError) return e;
    throw e;
  }
  throw new Error('no ExprSyntaxError');
}

describe('requirement grammar (expr_bool.y: %left ! & |)', () => {
  it('gives !, & and | one precedence, associating left', () => {
    expect(bool('A=1 | B=1 & C=1')).toBe('((A | B) & C)');
    expect(bool('A=1 & B=1 | C=1')).toBe('((A & B) | C)');
    expect(bool('A=1 & B=1 & C=1')).toBe('((A & B) & C)');
  });

  it('lets ! take only the next comparison or parenthesis', () => {
    expect(bool('!A=1 & B=1')).toBe('(!A & B)');
    expect(bool('A=1 & !B=1 | C=1')).toBe('((A & !B) | C)');
    expect(bool('!(A=1 & B=1)')).toBe('!(A & B)');
    expect(bool('!!A=1')).toBe('!!A');
  });

  it('accepts every comparison form, with or without blanks inside != and @>', () => {
    for (const s of ['A = 1', 'A != 1', 'A ! = 1', 'A > 1', 'A < 1.5', 'A @> 1', 'A @ > x', 'A = "x*"', '"CLUSTERS/ID" @> 100']) {
      expect(() => parseRequirementAst(s)).not.toThrow();
    }
  });

  it('treats an expression of blanks or ignored characters as empty', () => {
    expect(parseRequirementAst('').ast).toBeNull();
    expect(parseRequirementAst(' \t.,').ast).toBeNull();
  });

  it('rejects what the grammar has no rule for, naming the column and token', () => {
    const cases: [string, number, string][] = [
      ['CPU >= 2', 5, '='],
      ['CPU > kvm', 6, 'kvm'],
      ['NAME = node*', 11, '*'],
      ['A = 1 B = 2', 6, 'B'],
      ['(A = 1', 6, ''],
      ['1 = A', 0, '1'],
      ['A = 1 && B = 2', 7, '&'],
      ['A == 1', 3, '='],
      ['A = 1)', 5, ')'],
      ['A ^ 2', 2, '^'],
    ];
    for (const [src, position, token] of cases) {
      // Act
      const e = syntaxError(() => parseRequirementAst(src));
      // Assess
      expect({ src, position: e.position, token: e.token }).toEqual({ src, position, token });
      expect(e.message).toContain(`column ${position + 1}`);
    }
  });

  it('refuses an empty or XPath attribute name instead of reading it as missing', () => {
    expect(syntaxError(() => parseRequirementAst('"" = 1')).message).toContain('cannot be empty');
    expect(syntaxError(() => parseRequirementAst('"A[1]" = 1')).message).toContain('element path');
    expect(() => parseRequirementAst('"/HOST/TEMPLATE/A" = 1')).not.toThrow();
  });
});

describe('rank grammar (expr_arith.y: %left + -, %left * /)', () => {
  it('multiplies before adding and associates left', () => {
    expect(arith('A + B * C')).toBe('(A + (B * C))');
    expect(arith('A - B - C')).toBe('((A - B) - C)');
    expect(arith('A / B * C')).toBe('((A / B) * C)');
  });

  it('gives unary minus the precedence of binary minus: its operand is a whole product', () => {
    expect(arith('- A * B')).toBe('-(A * B)');
    expect(arith('A * - B * C')).toBe('(A * -(B * C))');
    expect(arith('- A + B')).toBe('(-A + B)');
  });

  it('rejects a minus glued to a number after a value, as OpenNebula reads it as a negative number', () => {
    const e = syntaxError(() => parseRankAst('FREE_CPU-100'));
    expect(e.position).toBe(8);
    expect(e.token).toBe('-100');
    expect(e.message).toContain('put a space after');
    expect(arith('FREE_CPU - 100')).toBe('(FREE_CPU - 100)');
  });

  it('rejects comparisons and unbalanced parentheses', () => {
    expect(syntaxError(() => parseRankAst('CPU > 1')).token).toBe('>');
    expect(syntaxError(() => parseRankAst('(CPU')).token).toBe('');
    expect(syntaxError(() => parseRankAst('CPU)')).token).toBe(')');
  });
});
