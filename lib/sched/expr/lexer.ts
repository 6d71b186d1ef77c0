/**
 * The scanner OpenNebula shares between requirements and ranks (src/parsers/expr_parser.l),
 * rule for rule: flex takes the longest match and, on a tie, the earlier rule.
 */
import { atoi, floatFromAtof } from './numbers';

export type TokenKind = 'word' | 'quoted' | 'int' | 'float' | 'op' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** Offset of the token's first character in the source, and one past its last. */
  readonly start: number;
  readonly end: number;
  /** Source text of the token ('' for end). */
  readonly text: string;
  /** word: the name; quoted: the text between the quotes, null for `""` (the scanner hands a NULL string to the parser). */
  readonly str?: string | null;
  /** int: atoi() of the text; float: atof() stored in a C float. */
  readonly num?: number;
}

/** A character no rule matches: flex's default rule echoes it to stdout and the parser never sees it. */
export interface IgnoredChar {
  readonly position: number;
  readonly char: string;
}

export interface LexResult {
  readonly tokens: readonly Token[];
  readonly ignored: readonly IgnoredChar[];
}

const OPERATORS = '@!&|=><()*+/^-';

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isWordChar(c: number): boolean {
  return isLetter(c) || isDigit(c) || c === 95;
}

/** Tokenizes an expression. The source ends at its first NUL, as OpenNebula passes expr.c_str() to flex. */
export function tokenize(source: string): LexResult {
  const nul = source.indexOf('\0');
  const src = nul < 0 ? source : source.slice(0, nul);
  const tokens: Token[] = [];
  const ignored: IgnoredChar[] = [];
  const n = src.length;
  let i = 0;
  while (i < n) {
    const c = src.charCodeAt(i);
    const start = i;
    // [[:blank:]]* — space and tab only; a newline is not blank and falls to the default rule.
    if (c === 32 || c === 9) {
      while (i < n && (src.charCodeAt(i) === 32 || src.charCodeAt(i) === 9)) i++;
      continue;
    }
    // -?[0-9]+ and -?[0-9]+\.[0-9]+ beat the one-character '-' whenever a digit follows.
    if (isDigit(c) || (c === 45 && i + 1 < n && isDigit(src.charCodeAt(i + 1)))) {
      i++;
      while (i < n && isDigit(src.charCodeAt(i))) i++;
      if (i + 1 < n && src.charCodeAt(i) === 46 && isDigit(src.charCodeAt(i + 1))) {
        i += 2;
        while (i < n && isDigit(src.charCodeAt(i))) i++;
        const text = src.slice(start, i);
        tokens.push({ kind: 'float', start, end: i, text, num: floatFromAtof(text) });
      } else {
        const text = src.slice(start, i);
        tokens.push({ kind: 'int', start, end: i, text, num: atoi(text) });
      }
      continue;
    }
    if (OPERATORS.indexOf(src[i]) >= 0) {
      i++;
      tokens.push({ kind: 'op', start, end: i, text: src[start] });
      continue;
    }
    if (isLetter(c)) {
      i++;
      while (i < n && isWordChar(src.charCodeAt(i))) i++;
      const text = src.slice(start, i);
      tokens.push({ kind: 'word', start, end: i, text, str: text });
      continue;
    }
    if (c === 34) {
      const close = src.indexOf('"', i + 1);
      if (close >= 0) {
        i = close + 1;
        const inner = src.slice(start + 1, close);
        // \"\" precedes \"[^\"]*\" in the rules, so an empty quoted string is a NULL STRING.
        tokens.push({ kind: 'quoted', start, end: i, text: src.slice(start, i), str: inner === '' ? null : inner });
        continue;
      }
      // An unterminated quote matches no rule: it is dropped like any unknown character.
    }
    ignored.push({ position: i, char: src[i] });
    i++;
  }
  tokens.push({ kind: 'end', start: n, end: n, text: '' });
  return { tokens, ignored };
}
