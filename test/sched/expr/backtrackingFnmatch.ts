/**
 * The backtracking fnmatch this project used before its linear-time matcher: a direct
 * transcription of glibc's fnmatch_loop.c, exponential on patterns such as `*[!~]*[!~]*[!~]~`.
 * Kept only as a reference for tests (the new matcher must give the same answer on every
 * input) and for the benchmark comparing both.
 */
import { bracket, NO, UNTERMINATED } from '../../../lib/sched/expr/bracket';

/** Converts a string to one char per UTF-8 byte, so that `?` and brackets count bytes as C does. */
function toBytes(s: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(s) ? Buffer.from(s, 'utf8').toString('latin1') : s;
}

/** fnmatch(pattern, value, 0), by backtracking. */
export function backtrackingFnmatch(pattern: string, value: string): boolean {
  return matchAt(toBytes(pattern), 0, toBytes(value), 0) === MATCH;
}

const MATCH = 0;
const NOMATCH = 1;

function matchAt(p: string, pi: number, s: string, si: number): number {
  const plen = p.length;
  const slen = s.length;
  while (pi < plen) {
    let c = p[pi++];
    switch (c) {
      case '?':
        if (si === slen) return NOMATCH;
        break;
      case '\\':
        if (pi === plen) return NOMATCH; // a trailing backslash loses
        c = p[pi++];
        if (si === slen || s[si] !== c) return NOMATCH;
        break;
      case '*': {
        // Runs of '*' and '?' collapse; each '?' still needs one character.
        while (pi < plen && (p[pi] === '*' || p[pi] === '?')) {
          if (p[pi] === '?') {
            if (si === slen) return NOMATCH;
            si++;
          }
          pi++;
        }
        if (pi === plen) return MATCH;
        for (let n = si; n < slen; n++) {
          if (matchAt(p, pi, s, n) === MATCH) return MATCH;
        }
        return NOMATCH;
      }
      case '[': {
        if (si === slen) return NOMATCH;
        const r = bracket(p, pi, s.charCodeAt(si));
        if (r === UNTERMINATED) {
          // glibc goes back and matches '[' as an ordinary character.
          if (s[si] !== '[') return NOMATCH;
        } else if (r === NO) {
          return NOMATCH;
        } else {
          pi = r;
        }
        break;
      }
      default:
        if (si === slen || s[si] !== c) return NOMATCH;
    }
    si++;
  }
  return si === slen ? MATCH : NOMATCH;
}
