/**
 * OpenNebula XML documents as XmlNode trees (lib/sched/snapshot.ts), element order kept: the
 * planner evaluates requirements as XPath unions where the first match in document order wins.
 *
 * A single-pass scanner rather than fast-xml-parser: on a 10,000-VM pool (44 MB) that parser
 * needs about six times the CPU, and it silently closes what a cut-off document left open
 * (a truncated pool would read as a pool without those VMs). This one is strict about
 * structure; test/one/xml.test.ts checks it against fast-xml-parser on generated documents.
 * oned's documents use no DTD and no attributes that matter: attributes are skipped,
 * a DOCTYPE is refused.
 */
import type { XmlNode } from '../sched/snapshot';
import { OneXmlError } from './errors';

interface Frame {
  name: string;
  text: string;
  hasText: boolean;
  children: XmlNode[];
  /** Text since the last child element (or the start tag). */
  run: string;
  /** Text before each child so far; made only once some text sits beside a child. */
  runs: string[] | undefined;
}

const LT = 60; // <
const GT = 62; // >
const SLASH = 47;
const BANG = 33;
const QUESTION = 63;

/** Parses one XML document and returns its root element. Throws OneXmlError with the offset when it is not well-formed. */
export function parseXml(text: string): XmlNode {
  const stack: Frame[] = [];
  let root: XmlNode | undefined;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;

  while (i < n) {
    const lt = text.indexOf('<', i);
    const end = lt < 0 ? n : lt;
    if (end > i) {
      const top = stack[stack.length - 1];
      if (top === undefined) {
        if (!isBlank(text, i, end)) fail(i, root === undefined ? 'text before the root element' : 'text after the root element');
      } else {
        const decoded = decodeText(text, i, end);
        top.text += decoded;
        top.run += decoded;
        top.hasText = true;
      }
    }
    if (lt < 0) break;
    const next = text.charCodeAt(lt + 1);

    if (next === SLASH) {
      const gt = text.indexOf('>', lt + 2);
      if (gt < 0) fail(lt, 'unterminated closing tag');
      const name = text.slice(lt + 2, gt).trimEnd();
      const frame = stack.pop();
      if (frame === undefined || frame.name !== name) fail(lt, `closing tag </${name}> does not match <${frame?.name ?? ''}>`);
      const node = finish(frame);
      const parent = stack[stack.length - 1];
      if (parent === undefined) root = node;
      else addChild(parent, node);
      i = gt + 1;
    } else if (next === BANG) {
      if (text.startsWith('<![CDATA[', lt)) {
        const close = text.indexOf(']]>', lt + 9);
        if (close < 0) fail(lt, 'unterminated CDATA section');
        const top = stack[stack.length - 1];
        if (top === undefined) fail(lt, 'CDATA outside the root element');
        const decoded = decodeCdata(text, lt + 9, close);
        top.text += decoded;
        top.run += decoded;
        top.hasText = true;
        i = close + 3;
      } else if (text.startsWith('<!--', lt)) {
        const close = text.indexOf('-->', lt + 4);
        if (close < 0) fail(lt, 'unterminated comment');
        i = close + 3;
      } else {
        fail(lt, 'DOCTYPE and other declarations are not accepted');
      }
    } else if (next === QUESTION) {
      const close = text.indexOf('?>', lt + 2);
      if (close < 0) fail(lt, 'unterminated processing instruction');
      i = close + 2;
    } else {
      if (root !== undefined && stack.length === 0) fail(lt, 'a second root element');
      let j = lt + 1;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === GT || c === SLASH || c === 32 || c === 9 || c === 10 || c === 13) break;
        j++;
      }
      const name = text.slice(lt + 1, j);
      if (name === '') fail(lt, 'an element without a name');
      const gt = tagEnd(text, j);
      const frame: Frame = { name, text: '', hasText: false, children: [], run: '', runs: undefined };
      if (text.charCodeAt(gt - 1) === SLASH) {
        const node = finish(frame);
        const parent = stack[stack.length - 1];
        if (parent === undefined) root = node;
        else addChild(parent, node);
      } else {
        stack.push(frame);
      }
      i = gt + 1;
    }
  }

  // A cut-off document must not read as a shorter pool.
  if (stack.length > 0) fail(n, `document truncated: <${stack[stack.length - 1]!.name}> is never closed`);
  if (root === undefined) fail(0, 'no root element');
  return root;
}

function addChild(frame: Frame, node: XmlNode): void {
  if (frame.runs === undefined && frame.run !== '') frame.runs = frame.children.map(() => '');
  frame.runs?.push(frame.run);
  frame.run = '';
  frame.children.push(node);
}

function finish(frame: Frame): XmlNode {
  // Whitespace between child elements is indentation, not a value: only leaves keep it.
  const text = frame.hasText && frame.children.length > 0 && frame.text.trim() === '' ? '' : frame.text;
  // OpenNebula reads an element's value as all its text in document order (xmlNodeGetContent),
  // indentation included: keep where each piece of text sat between the children.
  if (frame.children.length > 0 && (frame.runs !== undefined || frame.run !== '')) {
    const runs = frame.runs ?? frame.children.map(() => '');
    runs.push(frame.run);
    return { name: frame.name, text, children: frame.children, runs };
  }
  return { name: frame.name, text, children: frame.children };
}

/** Index of the `>` closing a start tag whose name ends at `from`; attribute values may hold `>`. */
function tagEnd(text: string, from: number): number {
  let quote = 0;
  for (let j = from; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) {
      quote = c;
    } else if (c === GT) {
      return j;
    } else if (c === LT) {
      break;
    }
  }
  return fail(from, 'unterminated start tag');
}

function isBlank(text: string, from: number, to: number): boolean {
  for (let j = from; j < to; j++) {
    const c = text.charCodeAt(j);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return true;
}

const NAMED = new Map([['lt', '<'], ['gt', '>'], ['amp', '&'], ['quot', '"'], ['apos', "'"]]);
const CHAR_REF = /^#(?:(\d+)|x([0-9a-fA-F]+))$/;
const AMP = 38;
const CR = 13;
const LF = 10;

/**
 * Character data: line ends normalized as XML requires, entity and character references
 * decoded. One pass writing code units into an array: an XML-RPC answer carries a whole pool
 * escaped (millions of references in one text), where slicing and joining strings costs
 * five times as much.
 */
function decodeText(text: string, from: number, to: number): string {
  if (!needsDecoding(text, from, to)) return text.slice(from, to);
  // One byte per character until a character above U+00FF shows up: half the memory for
  // the usual all-ASCII pool.
  let out: Uint8Array | Uint16Array = new Uint8Array(to - from);
  let o = 0;
  const put = (unit: number): void => {
    if (unit > 0xff && out instanceof Uint8Array) {
      const wider = new Uint16Array(to - from);
      wider.set(out.subarray(0, o));
      out = wider;
    }
    out[o++] = unit;
  };
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === CR) {
      put(LF);
      if (text.charCodeAt(i + 1) === LF) i++;
    } else if (c !== AMP) {
      put(c);
    } else {
      const semi = text.indexOf(';', i + 1);
      if (semi < 0 || semi >= to || semi - i > 12) fail(i, 'unknown entity: an & that starts no reference');
      const value = reference(text, i + 1, semi);
      for (let k = 0; k < value.length; k++) put(value.charCodeAt(k));
      i = semi;
    }
  }
  const bytes = Buffer.from(out.buffer, 0, o * out.BYTES_PER_ELEMENT);
  return out instanceof Uint8Array ? bytes.toString('latin1') : bytes.toString('utf16le');
}

function needsDecoding(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === AMP || c === CR) return true;
  }
  return false;
}

/** The text of the reference between `&` and `;` (text[from, semi)). */
function reference(text: string, from: number, semi: number): string {
  const c = text.charCodeAt(from);
  const length = semi - from;
  // The two XML-RPC escapes oned's answers are full of, without a slice.
  if (length === 2 && text.charCodeAt(from + 1) === 116 /* t */) {
    if (c === 108 /* l */) return '<';
    if (c === 103 /* g */) return '>';
  }
  const name = text.slice(from, semi);
  const named = NAMED.get(name);
  if (named !== undefined) return named;
  const match = CHAR_REF.exec(name);
  if (match === null) return fail(from - 1, `unknown entity &${name}; (only the five XML entities and character references exist without a DTD)`);
  const code = match[1] !== undefined ? Number(match[1]) : parseInt(match[2]!, 16);
  if (code === 0 || code > 0x10ffff) fail(from - 1, `invalid character reference &${name};`);
  return String.fromCodePoint(code);
}

/** CDATA is taken as is, but for line ends. */
function decodeCdata(text: string, from: number, to: number): string {
  const raw = text.slice(from, to);
  return raw.indexOf('\r') < 0 ? raw : raw.replace(/\r\n?/g, '\n');
}

function fail(offset: number, detail: string): never {
  throw new OneXmlError('', `not well-formed XML at offset ${offset}: ${detail}`);
}

/** The first child element called `name`, if any. */
export function child(node: XmlNode, name: string): XmlNode | undefined {
  for (const c of node.children) if (c.name === name) return c;
  return undefined;
}

/** Every child element called `name`, in document order. */
export function childrenNamed(node: XmlNode, name: string): XmlNode[] {
  return node.children.filter((c) => c.name === name);
}

/** The first element along a path of child names (`at(vm, 'TEMPLATE', 'CPU')`). */
export function at(node: XmlNode | undefined, ...path: string[]): XmlNode | undefined {
  let current = node;
  for (const name of path) {
    if (current === undefined) return undefined;
    current = child(current, name);
  }
  return current;
}

/** Text of the element at `path`, or undefined when it is missing. */
export function textAt(node: XmlNode | undefined, ...path: string[]): string | undefined {
  return at(node, ...path)?.text;
}

/** Serializes a tree back to compact XML (texts escaped, never CDATA): for fixtures and tests. */
export function writeXml(node: XmlNode): string {
  if (node.children.length === 0) return `<${node.name}>${escapeXml(node.text)}</${node.name}>`;
  return `<${node.name}>${node.children.map(writeXml).join('')}</${node.name}>`;
}

/** Escapes text for element content; \r as a reference so XML line-end handling keeps it. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
}
