import { TemplateSyntaxError } from './errors';
import { scan, type Token, type TokenType } from './lexer';
import type { TemplateAttr, TemplatePair } from './types';

/**
 * oned's unescape (src/parsers/template_syntax.y): every \" becomes ", nothing else
 * is an escape, not even \\.
 */
function unescape(raw: string): string {
  return raw.replaceAll('\\"', '"');
}

/**
 * Parses OpenNebula template syntax as oned does (template_syntax.y): names are
 * upper-cased, a vector keeps the first of repeated keys, a value holding "]]>" on its
 * first line aborts the parse, and repeated top-level attributes (NIC, DISK) are kept in order.
 */
export function parseTemplate(text: string): TemplateAttr[] {
  const tokens = scan(text);
  let current: Token = tokens.next().value as Token;
  // `current` moves on inside advance(); read it through peek() so TypeScript does not keep a stale narrowing.
  const peek = (): TokenType => current.type;
  const advance = (): Token => {
    const previous = current;
    current = tokens.next().value as Token;
    return previous;
  };
  const fail = (expected: TokenType[]): never => {
    throw new TemplateSyntaxError(
      `syntax error, unexpected ${current.type}, expecting ${expected.join(' or ')}`,
      current.line, current.firstColumn, current.lastColumn,
    );
  };
  const expect = (type: TokenType): Token => (current.type === type ? advance() : fail([type]));

  const attrs: TemplateAttr[] = [];
  while (current.type !== '$end') {
    const name = (current.type === 'VARIABLE' ? advance() : fail(['$end', 'VARIABLE'])).text.toUpperCase();
    if (current.type === 'EQUAL_EMPTY') {
      advance();
      attrs.push({ name, value: '' });
      continue;
    }
    expect('EQUAL');
    if (current.type === 'STRING') {
      attrs.push({ name, value: unescape(advance().text) });
      continue;
    }
    if (current.type === 'CCDATA') {
      throw new TemplateSyntaxError('value holds "]]>"', current.line, current.firstColumn, current.lastColumn);
    }
    if (current.type !== 'OBRACKET') fail(['STRING', 'OBRACKET', 'CCDATA']);
    advance();
    const vector: TemplatePair[] = [];
    if (current.type !== 'CBRACKET') {
      for (;;) {
        const key = expect('VARIABLE').text.toUpperCase();
        expect('EQUAL');
        const value = unescape(expect('STRING').text);
        // std::map::insert keeps the first value of a repeated key.
        if (!vector.some((p) => p.name === key)) vector.push({ name: key, value });
        if (peek() === 'CBRACKET') break;
        if (peek() !== 'COMMA') fail(['COMMA', 'CBRACKET']);
        advance();
      }
    }
    advance();
    attrs.push({ name, vector });
  }
  return attrs;
}
