import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StepMeter } from '../../../lib/sched/expr/budget';
import { compileGlob } from '../../../lib/sched/expr/fnmatch';
import { backtrackingFnmatch } from './backtrackingFnmatch';
import { fixtureJson } from './helpers';

const matches = (pattern: string, value: string) => compileGlob(pattern)(value);

describe('compileGlob: fnmatch(pattern, value, 0)', () => {
  it('matches * and ? across / and leading dots (no FNM_PATHNAME, no FNM_PERIOD)', () => {
    expect(matches('*', '')).toBe(true);
    expect(matches('a*', 'a/b/c')).toBe(true);
    expect(matches('?', '.')).toBe(true);
    expect(matches('*.org', 'kvm-node-07.example.org')).toBe(true);
    expect(matches('a*b*c', 'abc')).toBe(true);
    expect(matches('a*b*c', 'acb')).toBe(false);
    expect(matches('??', 'a')).toBe(false);
  });

  it('reads brackets as glibc does', () => {
    expect(matches('[a-c]x', 'bx')).toBe(true);
    expect(matches('[!a-c]x', 'bx')).toBe(false);
    expect(matches('[^a-c]x', 'dx')).toBe(true);
    expect(matches('[]a]', ']')).toBe(true);
    expect(matches('[a-]', '-')).toBe(true);
    expect(matches('[[:digit:]]*', '7abc')).toBe(true);
    expect(matches('[[:foo:]]', 'f')).toBe(false);
    expect(matches('[z-a]', 'm')).toBe(false);
    expect(matches('[ab', '[ab')).toBe(true); // unterminated: '[' is an ordinary character
  });

  it('quotes with backslash, and a trailing backslash never matches', () => {
    expect(matches('\\*', '*')).toBe(true);
    expect(matches('\\*', 'a')).toBe(false);
    expect(matches('a\\', 'a\\')).toBe(false);
  });

  it('counts bytes, not characters, as C does on UTF-8 text', () => {
    expect(matches('??', 'é')).toBe(true);
    expect(matches('?', 'é')).toBe(false);
    expect(matches('*é*', 'café au lait')).toBe(true);
  });

  it("agrees with glibc 2.36's fnmatch on 4,000 random patterns (fixture made with the real function)", () => {
    // Prepare
    const cases = fixtureJson<[string, string, boolean][]>('glibc-fnmatch.json');
    // Act
    const wrong = cases.filter(([p, s, want]) => matches(p, s) !== want);
    // Assess
    expect(cases.length).toBe(4000);
    expect(wrong).toEqual([]);
  });
});

// A straightforward reference for well-formed patterns: translate to a regular expression.
type Piece = { kind: 'lit'; c: string } | { kind: 'any' } | { kind: 'star' } | { kind: 'set'; not: boolean; chars: string };

function toRegExp(pieces: readonly Piece[]): RegExp {
  const esc = (c: string) => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  const body = pieces
    .map((p) => (p.kind === 'lit' ? esc(p.c) : p.kind === 'any' ? '[\\s\\S]' : p.kind === 'star' ? '[\\s\\S]*' : `[${p.not ? '^' : ''}${[...p.chars].map(esc).join('')}]`))
    .join('');
  return new RegExp(`^${body}$`);
}

function toPattern(pieces: readonly Piece[]): string {
  return pieces.map((p) => (p.kind === 'lit' ? p.c : p.kind === 'any' ? '?' : p.kind === 'star' ? '*' : `[${p.not ? '!' : ''}${p.chars}]`)).join('');
}

const alphabet = ['a', 'b', 'c', '.', '/', '-', 'x'];
const piece: fc.Arbitrary<Piece> = fc.oneof(
  fc.constantFrom(...alphabet).map((c): Piece => ({ kind: 'lit', c })),
  fc.constant<Piece>({ kind: 'any' }),
  fc.constant<Piece>({ kind: 'star' }),
  fc.record({ not: fc.boolean(), chars: fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'x'), minLength: 1, maxLength: 3 }) }).map((r): Piece => ({ kind: 'set', ...r })),
);

describe('compileGlob: property', () => {
  it('agrees with a regular-expression reference on well-formed patterns', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 7 }), fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 8 }), (pieces, value) => {
        expect(matches(toPattern(pieces), value)).toBe(toRegExp(pieces).test(value));
      }),
      { numRuns: 3000 },
    );
  });
});

// Patterns and values from an alphabet where glibc's quirks live: brackets opened and not
// closed, `!`/`^` and `-` in every place, escapes, classes, equivalence classes, collating
// symbols (some malformed), stars, and a multi-byte character.
const patternUnit = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('*', '?', '[', ']', '!', '^', '\\', '-', ':', '.', '=', 'a', 'b', '~', 'é') },
  { weight: 1, arbitrary: fc.constantFrom('[:alpha:]', '[:digit:]', '[:punct:]', '[:foo:]', '[.a.]', '[.-.]', '[.ab.]', '[=a=]', '[=', '[:', '[.', '[!~]', '[a-]', '[]-a]', '[a-\\]') },
);
const globPattern = fc.array(patternUnit, { maxLength: 10 }).map((units) => units.join(''));
const globValue = fc.string({ unit: fc.constantFrom('a', 'b', '~', '[', ']', '-', '!', '^', ':', '.', '=', '\\', '/', '7', 'é'), maxLength: 10 });

describe('compileGlob: the same answers as the backtracking matcher it replaces', () => {
  it('agrees on random patterns and values rich in brackets, escapes and stars (property)', () => {
    fc.assert(
      fc.property(globPattern, globValue, (pattern, value) => {
        expect(compileGlob(pattern)(value)).toBe(backtrackingFnmatch(pattern, value));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees past the 64 brackets whose answers a pattern remembers', () => {
    const pattern = `*${'[!~]'.repeat(70)}[[:digit:]]~`;
    const match = compileGlob(pattern);
    const values = ['x'.repeat(70), `${'x'.repeat(70)}7~`, `~~${'x'.repeat(70)}7~`, `${'x'.repeat(69)}~7~`, `${'x'.repeat(100)}a~`, `é${'x'.repeat(69)}7~`];
    expect(values.map((v) => match(v))).toEqual(values.map((v) => backtrackingFnmatch(pattern, v)));
    expect(values.map((v) => match(v))).toEqual([false, true, true, false, false, true]);
  });

  it('agrees when one compiled pattern is matched against many values in turn (no state leaks between calls)', () => {
    fc.assert(
      fc.property(globPattern, fc.array(globValue, { minLength: 2, maxLength: 8 }), (pattern, values) => {
        const match = compileGlob(pattern);
        expect(values.map((v) => match(v))).toEqual(values.map((v) => backtrackingFnmatch(pattern, v)));
      }),
      { numRuns: 3000 },
    );
  });
});

const hasGcc = spawnSync('gcc', ['--version']).status === 0;

/** Runs glibc's fnmatch(p, s, 0) on each pair through a small C program (pairs travel in hex). */
function glibcFnmatch(pairs: readonly (readonly [string, string])[]): boolean[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fnmatch-'));
  try {
    writeFileSync(path.join(dir, 'fnm.c'), `#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
static void unhex(const char *h, size_t n, char *out) {
  size_t k = 0;
  for (size_t i = 0; i + 1 < n; i += 2) { unsigned v; sscanf(h + i, "%2x", &v); out[k++] = (char)v; }
  out[k] = 0;
}
int main(void) {
  static char line[1 << 16], p[1 << 15], s[1 << 15];
  while (fgets(line, sizeof line, stdin)) {
    char *sp = strchr(line, ' ');
    size_t len = strlen(line);
    if (!sp) return 2;
    if (len && line[len - 1] == '\\n') line[--len] = 0;
    unhex(line, (size_t)(sp - line), p);
    unhex(sp + 1, strlen(sp + 1), s);
    puts(fnmatch(p, s, 0) == 0 ? "1" : "0");
  }
  return 0;
}
`);
    const built = spawnSync('gcc', ['-O1', '-o', path.join(dir, 'fnm'), path.join(dir, 'fnm.c')], { encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`gcc failed: ${built.stderr}`);
    const hex = (t: string) => Buffer.from(t, 'utf8').toString('hex');
    // The C locale, as OpenNebula's scheduler runs: bytes, no multi-byte characters.
    const run = spawnSync(path.join(dir, 'fnm'), { input: pairs.map(([p, s]) => `${hex(p)} ${hex(s)}\n`).join(''), encoding: 'utf8', env: { LC_ALL: 'C' } });
    if (run.status !== 0) throw new Error(`fnmatch program failed: ${run.stderr}`);
    return run.stdout.trim().split('\n').map((l) => l === '1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('compileGlob: the same answers as glibc on this machine', () => {
  it.skipIf(!hasGcc)('agrees with the C library\'s fnmatch on 20,000 random patterns and values', () => {
    // Prepare
    const pairs = fc.sample(fc.tuple(globPattern, globValue), { numRuns: 20_000, seed: 10 });
    // Act
    const glibc = glibcFnmatch(pairs);
    // Assess
    expect(glibc.length).toBe(pairs.length);
    const wrong = pairs.filter(([p, s], k) => compileGlob(p)(s) !== glibc[k]);
    expect(wrong).toEqual([]);
  });
});

describe('compileGlob: work bounded by pattern × value', () => {
  // `*[!~]` repeated k times then `~`: a value matches when it ends in a byte other than `~`
  // then `~`, with k - 1 more such bytes before. The backtracking matcher tried every way to
  // place the stars.
  const hostile = (pairs: number) => `${'*[!~]'.repeat(pairs)}~`;
  const long = 'x'.repeat(10_000);

  it.each([8, 20])('answers %i pairs of `*[!~]` against a 10,000-byte value, in at most (pattern + 1) × (value + 1) steps', (pairs) => {
    // Prepare
    const pattern = hostile(pairs);
    const match = compileGlob(pattern);
    const cases: [string, boolean][] = [
      [long, false],
      [`${long}~`, true],
      [`${'~'.repeat(10_000)}${'x'.repeat(pairs - 1)}~`, false],
      ['x~'.repeat(5_000), true],
      [`${'~'.repeat(5_000)}${'x'.repeat(pairs)}~`, true],
      [`${'x'.repeat(10_000)}~~`, false],
    ];
    for (const [value, want] of cases) {
      const meter = new StepMeter(Number.MAX_SAFE_INTEGER);
      // Act
      const got = match(value, meter);
      // Assess
      expect(got).toBe(want);
      expect(meter.steps).toBeGreaterThan(0);
      expect(meter.steps).toBeLessThanOrEqual((pattern.length + 1) * (value.length + 1));
    }
  });

  it('stops with EvaluationBudgetExceeded once the meter is spent, whatever the pattern', () => {
    const meter = new StepMeter(50_000);
    expect(() => compileGlob(hostile(20))(`${long}~`, meter)).toThrow(/more than 50000 steps/);
    expect(meter.steps).toBeGreaterThan(50_000);
    expect(meter.steps).toBeLessThan(50_000 + 2 * hostile(20).length);
  });
});
