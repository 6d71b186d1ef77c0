/**
 * fnmatch(pattern, string, 0) as glibc performs it in the C locale: the requirement grammar
 * (expr_bool.y) matches `=`, `!=` and `@>` against a word or quoted string with it.
 * Flags 0: `*` and `?` also match '/' and a leading '.', and a backslash quotes the next
 * character. Brackets follow glibc's fnmatch_loop.c, quirks included: `!` or `^` negates, a
 * leading `]` is literal, `[:class:]`, `[=c=]`, `[.c.]`, ranges by byte value, and an
 * unterminated `[` is an ordinary character. Matching is byte-wise over UTF-8, as in C.
 * Answers are glibc's, but not its method: glibc backtracks (exponentially on patterns such as
 * `*[!~]*[!~]*[!~]~`), this matcher never retries anything (see Glob).
 */
import type { Meter } from './budget';
import { bracket, UNTERMINATED } from './bracket';

export type Matcher = (value: string, meter?: Meter) => boolean;


/** Converts a string to one char per UTF-8 byte, so that `?` and brackets count bytes as C does. */
export function toBytes(s: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(s) ? Buffer.from(s, 'utf8').toString('latin1') : s;
}

/**
 * Compiles a pattern once. A matcher takes at most (pattern + 1) × value steps, plus the
 * reading of a bracket for each byte value it meets there (remembered for the first 64
 * brackets of a pattern, read again at each step past them); the steps are spent on `meter`
 * when one is given (which throws once over its limit).
 */
export function compileGlob(pattern: string): Matcher {
  if (!/[*?[\\]/.test(pattern)) return (v) => v === pattern;
  if (!/[?[\\]/.test(pattern)) return starMatcher(pattern.split('*'));
  const glob = new Glob(toBytes(pattern));
  return (v, meter) => glob.match(toBytes(v), meter);
}

/** Patterns whose only wildcard is `*`: a prefix, a suffix, and pieces found left to right in between. */
function starMatcher(parts: readonly string[]): Matcher {
  const first = parts[0];
  const last = parts[parts.length - 1];
  const middle = parts.slice(1, -1).filter((s) => s !== '');
  const minLength = first.length + last.length;
  return (v, meter) => {
    if (v.length < minLength || !v.startsWith(first) || !v.endsWith(last)) return false;
    // Each search reads the value once (the leftmost occurrence is always the best choice).
    meter?.spend(v.length * middle.length);
    let at = first.length;
    const stop = v.length - last.length;
    for (const piece of middle) {
      const found = v.indexOf(piece, at);
      if (found < 0 || found + piece.length > stop) return false;
      at = found + piece.length;
    }
    return true;
  };
}

/** fnmatch on already byte-converted strings (see toBytes). */
export function fnmatchBytes(pattern: string, value: string, meter?: Meter): boolean {
  return new Glob(pattern).match(value, meter);
}

// What the pattern holds at a position.
const LITERAL = 0;
const ANY = 1;
const STAR = 2;
const ESCAPED = 3;
const BRACKET = 4;
const END = 5;
const DEAD = 6;

// A bracket's answer for one byte, cached: 0 not known yet, 1 no match, k > 1 the next position outcomes[k - 2].
const UNKNOWN = 0;
const NO_MATCH = 1;
/** Cached bracket answers per pattern at most: past them, brackets are read again each time (memory stays small). */
const MAX_BRACKET_TABLES = 64;

/**
 * A pattern read as an automaton over its positions, run on all live positions at once (a
 * Thompson simulation): each byte of the value moves every live position one step, `*` stays
 * live, so the work is at most (positions × bytes) and nothing is ever retried. The step from
 * a position is the one glibc's loop takes there, so the answers are glibc's: from a `[`, the
 * next position depends on the byte (past the bracket, nowhere, or the byte after `[` when
 * glibc reads an unterminated bracket as an ordinary `[`), which is why positions are states
 * rather than a fixed list of atoms. Not re-entrant: one evaluation at a time, as JS runs.
 */
class Glob {
  private readonly kind: Uint8Array;
  private readonly tables: (Uint8Array | undefined)[] = [];
  private readonly outcomes: number[][] = [];
  private tableCount = 0;
  private live: Int32Array;
  private next: Int32Array;
  private readonly mark: Uint32Array;
  private generation = 0;

  constructor(private readonly p: string) {
    const n = p.length;
    this.kind = new Uint8Array(n + 1);
    for (let i = 0; i < n; i++) {
      const c = p[i];
      this.kind[i] = c === '*' ? STAR : c === '?' ? ANY : c === '[' ? BRACKET : c === '\\' ? (i + 1 < n ? ESCAPED : DEAD) : LITERAL;
    }
    this.kind[n] = END;
    this.live = new Int32Array(n + 1);
    this.next = new Int32Array(n + 1);
    this.mark = new Uint32Array(n + 1);
  }

  match(s: string, meter?: Meter): boolean {
    const end = this.p.length;
    if (this.generation > 0xfffffff0) {
      this.mark.fill(0);
      this.generation = 0;
    }
    let gen = ++this.generation;
    let count = this.add(this.live, 0, 0, gen);
    for (let si = 0; si < s.length; si++) {
      meter?.spend(count);
      const b = s.charCodeAt(si);
      const live = this.live;
      const next = this.next;
      gen = ++this.generation;
      let n = 0;
      for (let k = 0; k < count; k++) {
        const i = live[k];
        const to = this.step(i, b, meter);
        if (to >= 0) n = this.add(next, n, to, gen);
      }
      if (n === 0) return false;
      this.live = next;
      this.next = live;
      count = n;
    }
    return this.mark[end] === gen;
  }

  /** Makes position i live, with the positions after each `*` it reaches (a `*` may match nothing). */
  private add(list: Int32Array, n: number, i: number, gen: number): number {
    for (;;) {
      if (this.mark[i] === gen) return n;
      this.mark[i] = gen;
      list[n++] = i;
      if (this.kind[i] !== STAR) return n;
      i++;
    }
  }

  /** The position after reading byte b at position i, or -1. */
  private step(i: number, b: number, meter: Meter | undefined): number {
    switch (this.kind[i]) {
      case LITERAL:
        return this.p.charCodeAt(i) === b ? i + 1 : -1;
      case ANY:
        return i + 1;
      case STAR:
        return i;
      case ESCAPED:
        return this.p.charCodeAt(i + 1) === b ? i + 2 : -1;
      case BRACKET:
        return this.bracketStep(i, b, meter);
      default:
        return -1;
    }
  }

  private bracketStep(i: number, b: number, meter: Meter | undefined): number {
    let table = this.tables[i];
    if (table !== undefined && table[b] !== UNKNOWN) return table[b] === NO_MATCH ? -1 : this.outcomes[i][table[b] - 2];
    const p = this.p;
    const r = bracket(p, i + 1, b);
    // What glibc read to answer: up to the closing ']' or, at most, the rest of the pattern.
    meter?.spend(r >= 0 ? r - i : p.length - i);
    // An unterminated '[' is an ordinary character: glibc goes on with the pattern after it.
    const to = r >= 0 ? r : r === UNTERMINATED && b === 0x5b ? i + 1 : -1;
    if (table === undefined && this.tableCount < MAX_BRACKET_TABLES) {
      table = new Uint8Array(256);
      this.tables[i] = table;
      this.outcomes[i] = [];
      this.tableCount++;
    }
    if (table !== undefined) {
      if (to < 0) {
        table[b] = NO_MATCH;
      } else {
        const known = this.outcomes[i];
        let k = known.indexOf(to);
        if (k < 0 && known.length < 254) k = known.push(to) - 1;
        if (k >= 0) table[b] = k + 2;
      }
    }
    return to;
  }
}
