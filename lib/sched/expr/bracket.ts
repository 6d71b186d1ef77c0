/**
 * glibc's bracket expression reader (fnmatch_loop.c), quirks included, one byte at a time. The
 * linear matcher (fnmatch.ts) and the backtracking reference its tests compare it with both read
 * brackets here, so the two differ only in how they walk the rest of the pattern.
 */
const CHAR_CLASS_MAX_LENGTH = 256;

// A bracket that does not match, or a malformed one on which glibc returns FNM_NOMATCH.
export const NO = -1;
// An unterminated '[': glibc rescans it as an ordinary character.
export const UNTERMINATED = -2;

const CLASSES: Record<string, (c: number) => boolean> = {
  alnum: (c) => isAlpha(c) || isDigit(c),
  alpha: (c) => isAlpha(c),
  blank: (c) => c === 32 || c === 9,
  cntrl: (c) => c < 32 || c === 127,
  digit: (c) => isDigit(c),
  graph: (c) => c > 32 && c < 127,
  lower: (c) => c >= 97 && c <= 122,
  print: (c) => c >= 32 && c < 127,
  punct: (c) => c > 32 && c < 127 && !isAlpha(c) && !isDigit(c),
  space: (c) => c === 32 || (c >= 9 && c <= 13),
  upper: (c) => c >= 65 && c <= 90,
  xdigit: (c) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102),
};

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The pattern as C sees it: '\0' past the end. */
function charAt(p: string, i: number): string {
  return i < p.length ? p[i] : '\0';
}

/** Reads a collating symbol `[.c.]` whose '.' is at i; in the C locale only a single character names itself. */
function collatingSymbol(p: string, i: number): { end: number; sym: string } | null {
  const startp = i;
  let len = 0;
  for (;;) {
    const d = charAt(p, ++i);
    if (d === '.' && charAt(p, i + 1) === ']') break;
    if (d === '\0') return null;
    len++;
  }
  return len === 1 ? { end: i + 2, sym: charAt(p, startp + 1) } : null;
}

/**
 * Evaluates the bracket expression whose '[' is just before pi against the byte fn, walking the
 * list as glibc does (a member's meaning can depend on what was matched before it).
 * Returns the index after the closing ']' when the bracket accepts fn, else NO or UNTERMINATED.
 */
export function bracket(p: string, pi: number, fn: number): number {
  let i = pi;
  const not = charAt(p, i) === '!' || charAt(p, i) === '^';
  if (not) i++;
  let c = charAt(p, i++);
  let matched = false;
  loop: for (;;) {
    // True where glibc jumps to normal_bracket: c is then an ordinary list member.
    let normal = false;
    if (c === '\\') {
      if (charAt(p, i) === '\0') return NO;
      c = charAt(p, i++);
      normal = true;
    } else if (c === '[' && charAt(p, i) === ':') {
      const startp = i;
      let name = '';
      for (;;) {
        if (name.length === CHAR_CLASS_MAX_LENGTH) return NO;
        c = charAt(p, ++i);
        if (c === ':' && charAt(p, i + 1) === ']') {
          i += 2;
          break;
        }
        if (c < 'a' || c >= 'z') {
          i = startp;
          c = '[';
          normal = true;
          break;
        }
        name += c;
      }
      if (!normal) {
        const test = CLASSES[name];
        if (!test) return NO;
        if (test(fn)) {
          matched = true;
          break loop;
        }
        c = charAt(p, i++);
        if (c === ']') break loop;
        continue;
      }
    } else if (c === '[' && charAt(p, i) === '=') {
      const ch = charAt(p, i + 1);
      if (ch !== '\0' && charAt(p, i + 2) === '=' && charAt(p, i + 3) === ']') {
        i += 4;
        if (fn === ch.charCodeAt(0)) {
          matched = true;
          break loop;
        }
        c = charAt(p, i++);
        if (c === ']') break loop;
        continue;
      }
      c = '[';
      normal = true;
    } else if (c === '\0') {
      return UNTERMINATED;
    }
    let cold: number;
    if (!normal && c === '[' && charAt(p, i) === '.') {
      const cs = collatingSymbol(p, i);
      if (cs === null) return NO;
      // glibc's test here does not exclude ']': `[[.a.]-]` never matches 'a'.
      const isRange = charAt(p, cs.end) === '-' && charAt(p, cs.end + 1) !== '\0';
      i = cs.end;
      cold = cs.sym.charCodeAt(0);
      if (!isRange && fn === cold) {
        matched = true;
        break loop;
      }
    } else {
      const isRange = charAt(p, i) === '-' && charAt(p, i + 1) !== '\0' && charAt(p, i + 1) !== ']';
      cold = c.charCodeAt(0);
      if (!isRange && fn === cold) {
        matched = true;
        break loop;
      }
    }
    c = charAt(p, i++);
    if (c === '-' && charAt(p, i) !== ']') {
      let cend = charAt(p, i++);
      if (cend === '[' && charAt(p, i) === '.') {
        const cs = collatingSymbol(p, i);
        if (cs === null) return NO;
        i = cs.end;
        cend = cs.sym;
      } else {
        if (cend === '\\') cend = charAt(p, i++);
        if (cend === '\0') return NO;
      }
      // Ranges compare byte values in the C locale (its collation sequence is the identity).
      const hi = cend.charCodeAt(0);
      if (cold <= fn && cold <= hi && fn <= hi) {
        matched = true;
        break loop;
      }
      c = charAt(p, i++);
    }
    if (c === ']') break;
  }
  if (!matched) return not ? i : NO;
  const end = skipRest(p, i);
  return not ? NO : end;
}

/** Skips the rest of a bracket that already matched (glibc's `matched:` loop); an unterminated one loses. */
function skipRest(p: string, i: number): number {
  const at = (k: number): string => charAt(p, k);
  for (;;) {
    const c = at(i++);
    if (c === ']') return i;
    if (c === '\0') return NO;
    if (c === '\\') {
      if (at(i) === '\0') return NO;
      i++;
    } else if (c === '[' && at(i) === ':') {
      const startp = i;
      let c1 = 0;
      for (;;) {
        const d = at(++i);
        if (++c1 === CHAR_CLASS_MAX_LENGTH) return NO;
        if (d === ':' && at(i + 1) === ']') break;
        if (d < 'a' || d >= 'z') {
          i = startp - 2;
          break;
        }
      }
      i += 2;
    } else if (c === '[' && at(i) === '=') {
      const d = at(++i);
      if (d === '\0') return NO;
      const e = at(++i);
      if (e !== '=' || at(i + 1) !== ']') return NO;
      i += 2;
    } else if (c === '[' && at(i) === '.') {
      for (;;) {
        const d = at(++i);
        if (d === '\0') return NO;
        if (d === '.' && at(i + 1) === ']') break;
      }
      i += 2;
    }
  }
}
