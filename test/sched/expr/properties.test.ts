import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRank, compileRequirement } from '../../../lib/sched/expr';
import { mapLookup } from './helpers';

// Attributes T0..T3 are true comparisons (T_i = 1), F0..F3 false ones.
const lookup = mapLookup({ A0: '1', A1: '1', A2: '1', A3: '1' });
const leaf = fc.record({ truth: fc.boolean(), i: fc.integer({ min: 0, max: 3 }) }).map(({ truth, i }) => ({ src: `A${i} ${truth ? '=' : '!='} 1`, truth }));

type Item = { op: '&' | '|'; not: boolean; leaf: { src: string; truth: boolean } };

describe('requirements: precedence and associativity (property)', () => {
  it('evaluates a flat chain strictly left to right, ! binding one operand', () => {
    const item = fc.record({ op: fc.constantFrom<'&' | '|'>('&', '|'), not: fc.boolean(), leaf });
    fc.assert(
      fc.property(fc.boolean(), leaf, fc.array(item, { maxLength: 8 }), (firstNot, first, rest: Item[]) => {
        // Prepare: the reference folds left with one precedence level.
        let src = `${firstNot ? '!' : ''}${first.src}`;
        let expected = firstNot ? !first.truth : first.truth;
        for (const it of rest) {
          const v = it.not ? !it.leaf.truth : it.leaf.truth;
          src += ` ${it.op} ${it.not ? '!' : ''}${it.leaf.src}`;
          expected = it.op === '&' ? expected && v : expected || v;
        }
        // Act / Assess
        expect(compileRequirement(src).test(lookup)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('reports a failing term that is itself false whenever the expression is false', () => {
    const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf.map((l) => l.src),
        tie('e').map((e) => `!(${e})`),
        fc.tuple(tie('e'), fc.constantFrom('&', '|'), tie('e')).map(([a, op, b]) => `(${a}) ${op} (${b})`),
      ),
    })).e;
    fc.assert(
      fc.property(expr, (src) => {
        const c = compileRequirement(src);
        const term = c.failingTerm(lookup);
        expect(term === undefined).toBe(c.test(lookup));
        if (term !== undefined) expect(compileRequirement(term).test(lookup)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('ranks: float arithmetic truncated to int (property)', () => {
  it('equals a reference that rounds every step to float and truncates', () => {
    const num = fc.integer({ min: -5000, max: 5000 });
    fc.assert(
      fc.property(num, num, num, fc.integer({ min: 1, max: 97 }), (a, b, c, d) => {
        // Prepare: (a + b) * c / d, every intermediate a C float. Written with a negative c,
        // `* - 5 / d` is `* -(5 / d)`: unary minus takes the whole product that follows it.
        const f = Math.fround;
        const product = c < 0 ? f(f(a + b) * -f(-c / d)) : f(f(f(a + b) * c) / d);
        const expected = Math.trunc(product) | 0;
        const values = mapLookup({ A: String(a), B: String(b) });
        // Act / Assess
        expect(compileRank(`(A + B) * ${c < 0 ? `- ${-c}` : c} / ${d}`).value(values)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('truncates toward zero for any float value', () => {
    fc.assert(
      fc.property(fc.float({ min: -1e6, max: 1e6, noNaN: true }), (x) => {
        const lk = mapLookup({ X: x.toPrecision(9) });
        const read = Math.fround(Number(x.toPrecision(9)));
        expect(compileRank('X').value(lk)).toBe(Math.trunc(read) | 0);
      }),
      { numRuns: 2000 },
    );
  });
});
