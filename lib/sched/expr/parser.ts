/**
 * Parsers equivalent to OpenNebula's bison grammars, accepting exactly the same token strings.
 *
 * expr_bool.y declares `%left '!' '&' '|'`: one precedence level, left associative, so
 * `a | b & c` is `(a | b) & c` and `!` takes only the next comparison or parenthesis
 * (`! a & b` is `(!a) & b`).
 * expr_arith.y declares `%left '+' '-'` below `%left '*' '/'`, and unary minus takes the
 * precedence of '-': its operand is a whole product, so `- a * b` is `-(a * b)` and
 * `a * - b * c` is `a * -(b * c)` — different roundings in float arithmetic.
 */
import type { ArithNode, BoolNode, ComparisonOp, Operand } from './ast';
import { ExprSyntaxError } from './errors';
import { tokenize, type IgnoredChar, type Token } from './lexer';
import { nameProblem } from './names';

export interface Parsed<T> {
  /** null for an empty expression (only blanks or ignored characters). */
  readonly ast: T | null;
  readonly ignored: readonly IgnoredChar[];
}

class TokenStream {
  private i = 0;
  constructor(readonly source: string, readonly tokens: readonly Token[]) {}

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }

  next(): Token {
    const t = this.tokens[this.i];
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }

  isOp(op: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'op' && t.text === op;
  }

  /** The attribute name of a word or quoted token, refused when OpenNebula cannot or svmsched does not evaluate it. */
  name(t: Token): string {
    const problem = nameProblem(t.str ?? null);
    if (problem !== undefined) throw new ExprSyntaxError(this.source, t.start, t.text, problem);
    return t.str!;
  }

  fail(expected: string): never {
    const t = this.peek();
    if (t.kind === 'end') throw new ExprSyntaxError(this.source, t.start, '', `unexpected end of expression, expecting ${expected}`);
    let hint = '';
    if ((t.kind === 'int' || t.kind === 'float') && t.text.startsWith('-')) {
      hint = ` (OpenNebula reads '${t.text}' as one number: put a space after '-')`;
    }
    throw new ExprSyntaxError(this.source, t.start, t.text, `unexpected ${describe(t)}, expecting ${expected}${hint}`);
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'int':
    case 'float':
      return `number ${t.text}`;
    case 'word':
      return `word ${t.text}`;
    case 'quoted':
      return `string ${t.text}`;
    default:
      return `'${t.text}'`;
  }
}

function isValue(t: Token): boolean {
  return t.kind === 'int' || t.kind === 'float' || t.kind === 'word' || t.kind === 'quoted';
}

function operandOf(t: Token): Operand {
  if (t.kind === 'int') return { kind: 'int', value: t.num! };
  if (t.kind === 'float') return { kind: 'float', value: t.num! };
  return { kind: 'string', value: t.str ?? null };
}

// ---------------------------------------------------------------- requirements

export function parseRequirementAst(source: string): Parsed<BoolNode> {
  const { tokens, ignored } = tokenize(source);
  const ts = new TokenStream(source, tokens);
  if (ts.peek().kind === 'end') return { ast: null, ignored };
  const ast = boolChain(ts);
  if (ts.peek().kind !== 'end') ts.fail("'&', '|' or the end of the expression");
  return { ast, ignored };
}

function boolChain(ts: TokenStream): BoolNode {
  let left = boolUnary(ts);
  while (ts.isOp('&') || ts.isOp('|')) {
    const type = ts.next().text === '&' ? 'and' : 'or';
    const right = boolUnary(ts);
    left = { type, left, right, start: left.start, end: right.end };
  }
  return left;
}

function boolUnary(ts: TokenStream): BoolNode {
  if (ts.isOp('!')) {
    const bang = ts.next();
    const operand = boolUnary(ts);
    return { type: 'not', operand, start: bang.start, end: operand.end };
  }
  if (ts.isOp('(')) {
    const open = ts.next();
    const inner = boolChain(ts);
    if (!ts.isOp(')')) ts.fail("'&', '|' or ')'");
    const close = ts.next();
    return { type: 'group', inner, start: open.start, end: close.end };
  }
  const t = ts.peek();
  if (t.kind !== 'word' && t.kind !== 'quoted') ts.fail("an attribute name, '!' or '('");
  return comparison(ts);
}

function comparison(ts: TokenStream): BoolNode {
  const name = ts.next();
  let op: ComparisonOp;
  let numericOnly = false;
  if (ts.isOp('=')) {
    op = '=';
    ts.next();
  } else if (ts.isOp('!')) {
    ts.next();
    if (!ts.isOp('=')) ts.fail("'=' after '!'");
    ts.next();
    op = '!=';
  } else if (ts.isOp('>') || ts.isOp('<')) {
    op = ts.next().text as '>' | '<';
    numericOnly = true;
  } else if (ts.isOp('@')) {
    ts.next();
    if (!ts.isOp('>')) ts.fail("'>' after '@'");
    ts.next();
    op = '@>';
  } else {
    ts.fail(`a comparison ('=', '!=', '>', '<' or '@>') after ${name.text}`);
  }
  const v = ts.peek();
  if (numericOnly ? v.kind !== 'int' && v.kind !== 'float' : !isValue(v)) {
    ts.fail(numericOnly ? `a number after '${op}'` : `a number, a word or a quoted string after '${op}'`);
  }
  ts.next();
  return { type: 'cmp', attr: ts.name(name), op, operand: operandOf(v), start: name.start, end: v.end };
}

// ---------------------------------------------------------------- ranks

export function parseRankAst(source: string): Parsed<ArithNode> {
  const { tokens, ignored } = tokenize(source);
  const ts = new TokenStream(source, tokens);
  if (ts.peek().kind === 'end') return { ast: null, ignored };
  const ast = sum(ts);
  if (ts.peek().kind !== 'end') ts.fail("an operator ('+', '-', '*', '/') or the end of the expression");
  return { ast, ignored };
}

function sum(ts: TokenStream): ArithNode {
  let left = product(ts);
  while (ts.isOp('+') || ts.isOp('-')) {
    const op = ts.next().text as '+' | '-';
    const right = product(ts);
    left = { type: 'bin', op, left, right, start: left.start, end: right.end };
  }
  return left;
}

function product(ts: TokenStream): ArithNode {
  let left = factor(ts);
  while (ts.isOp('*') || ts.isOp('/')) {
    const op = ts.next().text as '*' | '/';
    const right = factor(ts);
    left = { type: 'bin', op, left, right, start: left.start, end: right.end };
  }
  return left;
}

function factor(ts: TokenStream): ArithNode {
  if (ts.isOp('-')) {
    const minus = ts.next();
    const operand = product(ts);
    return { type: 'neg', operand, start: minus.start, end: operand.end };
  }
  if (ts.isOp('(')) {
    const open = ts.next();
    const inner = sum(ts);
    if (!ts.isOp(')')) ts.fail("an operator or ')'");
    const close = ts.next();
    return { type: 'group', inner, start: open.start, end: close.end };
  }
  const t = ts.peek();
  if (t.kind === 'word' || t.kind === 'quoted') {
    ts.next();
    return { type: 'attr', attr: ts.name(t), start: t.start, end: t.end };
  }
  if (t.kind === 'int' || t.kind === 'float') {
    ts.next();
    // INTEGER becomes static_cast<float>(int); FLOAT already is a float.
    return { type: 'num', value: Math.fround(t.num!), start: t.start, end: t.end };
  }
  return ts.fail("an attribute name, a number, '-' or '('");
}
