/**
 * A scanner with the exact token rules of oned's template lexer
 * (OpenNebula src/parsers/template_parser.l): flex semantics, i.e. the longest match
 * wins and ties go to the rule listed first; a character no rule matches is skipped
 * (flex's default ECHO rule). Character classes are ASCII-only, as in the C locale.
 */

export type TokenType =
  | 'VARIABLE' | 'EQUAL' | 'EQUAL_EMPTY' | 'COMMA' | 'OBRACKET' | 'CBRACKET'
  | 'STRING' | 'CCDATA' | '$end';

export interface Token {
  readonly type: TokenType;
  /** STRING: the raw text between the quotes (or the bare word), not yet unescaped. VARIABLE: the name. */
  readonly text: string;
  /** Location as oned's YY_USER_ACTION computes it: line at the token's end, cumulative columns. */
  readonly line: number;
  readonly firstColumn: number;
  readonly lastColumn: number;
}

const isBlank = (c: string): boolean => c === ' ' || c === '\t';
const isAlnumUnderscore = (c: string): boolean => /^[A-Za-z0-9_]$/.test(c);
/** STRING [^=#[:blank:]\n,\[\]] */
const isBareChar = (c: string): boolean => !'=# \t\n,[]'.includes(c);

/** Length of a run of characters from `pos` satisfying `pred`. */
function run(text: string, pos: number, pred: (c: string) => boolean): number {
  let i = pos;
  while (i < text.length && pred(text[i])) i += 1;
  return i - pos;
}

/** [[:blank:]]*#.*\n — a comment also ends at end of input (flex needs the newline; we are lenient). */
function matchComment(text: string, pos: number): number {
  const b = run(text, pos, isBlank);
  if (text[pos + b] !== '#') return 0;
  const nl = text.indexOf('\n', pos + b);
  return nl === -1 ? text.length - pos : nl + 1 - pos;
}

/** [[:blank:]]*=[[:blank:]]* and, when a newline follows, EQUAL_EMPTY. */
function matchEqual(text: string, pos: number): { len: number; empty: boolean } {
  const b = run(text, pos, isBlank);
  if (text[pos + b] !== '=') return { len: 0, empty: false };
  const after = pos + b + 1 + run(text, pos + b + 1, isBlank);
  return text[after] === '\n' ? { len: after + 1 - pos, empty: true } : { len: after - pos, empty: false };
}

/** [[:blank:]\n]* CH [[:blank:]\n]* */
function matchPunct(text: string, pos: number, ch: string): number {
  const ws = (c: string) => isBlank(c) || c === '\n';
  const b = run(text, pos, ws);
  if (text[pos + b] !== ch) return 0;
  return b + 1 + run(text, pos + b + 1, ws);
}

/** <VALUE>[[:blank:]]*\[[[:blank:]\n]* */
function matchOpenBracket(text: string, pos: number): number {
  const b = run(text, pos, isBlank);
  if (text[pos + b] !== '[') return 0;
  return b + 1 + run(text, pos + b + 1, (c) => isBlank(c) || c === '\n');
}

/** <VALUE>.*\]\]\>.* — the rest of the line, if it holds "]]>" ('.' excludes only \n). */
function matchCdata(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  const end = nl === -1 ? text.length : nl;
  return text.slice(pos, end).includes(']]>') ? end - pos : 0;
}

/**
 * <VALUE>\"([^\"]|\\\")*\" with the longest match: a quote can be crossed only as the
 * second half of \" (so it needs a backslash before it, after the opening quote).
 */
function matchQuoted(text: string, pos: number): number {
  if (text[pos] !== '"') return 0;
  let best = 0;
  for (let i = pos + 1; i < text.length; i += 1) {
    if (text[i] !== '"') continue;
    best = i + 1 - pos;
    if (!(i - 1 > pos && text[i - 1] === '\\')) break;
  }
  return best;
}

export function* scan(text: string): Generator<Token> {
  let pos = 0;
  let line = 1;
  let lastColumn = 0;
  let valueState = false;

  const emit = (type: TokenType, len: number, value: string): Token => {
    const matched = text.slice(pos, pos + len);
    for (const c of matched) if (c === '\n') line += 1;
    const token = { type, text: value, line, firstColumn: lastColumn, lastColumn: lastColumn + len };
    lastColumn += len;
    pos += len;
    return token;
  };

  while (pos < text.length) {
    if (valueState) {
      // Rule order for ties: OBRACKET, CCDATA, quoted STRING, bare STRING.
      const candidates: [TokenType | 'QUOTED', number][] = [
        ['OBRACKET', matchOpenBracket(text, pos)],
        ['CCDATA', matchCdata(text, pos)],
        ['QUOTED', matchQuoted(text, pos)],
        ['STRING', run(text, pos, isBareChar)],
      ];
      const [type, len] = longest(candidates);
      if (len === 0) { // flex default rule: skip the character, stay in VALUE
        pos += 1; lastColumn += 1;
        continue;
      }
      valueState = false;
      if (type === 'QUOTED') yield emit('STRING', len, text.slice(pos + 1, pos + len - 1));
      else yield emit(type, len, text.slice(pos, pos + len));
      continue;
    }
    const eq = matchEqual(text, pos);
    const candidates: [TokenType | 'SKIP', number][] = [
      ['SKIP', matchComment(text, pos)],
      ['SKIP', run(text, pos, (c) => isBlank(c) || c === '\n')],
      ['VARIABLE', run(text, pos, isAlnumUnderscore)],
      [eq.empty ? 'EQUAL_EMPTY' : 'EQUAL', eq.len],
      ['COMMA', matchPunct(text, pos, ',')],
      ['CBRACKET', matchPunct(text, pos, ']')],
    ];
    const [type, len] = longest(candidates);
    if (len === 0) { pos += 1; lastColumn += 1; continue; }
    if (type === 'SKIP') { emit('$end', len, ''); continue; }
    if (type === 'EQUAL') valueState = true;
    yield emit(type, len, text.slice(pos, pos + len));
  }
  yield { type: '$end', text: '', line, firstColumn: lastColumn, lastColumn };
}

function longest<T>(candidates: [T, number][]): [T, number] {
  let best = candidates[0];
  for (const c of candidates) if (c[1] > best[1]) best = c;
  return best;
}
