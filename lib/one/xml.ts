/**
 * OpenNebula XML documents as XmlNode trees (lib/sched/model.ts), element order kept: the
 * planner evaluates requirements as XPath unions where the first match in document order wins.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { XmlNode } from '../sched/model';
import { OneXmlError } from './errors';

const TEXT = '#text';
const CDATA = '#cdata';

const parser = new XMLParser({
  preserveOrder: true,
  // oned's documents carry no attributes worth keeping.
  ignoreAttributes: true,
  // Values exactly as sent: no number conversion, no trimming; CDATA kept apart so it is never
  // entity-decoded a second time.
  parseTagValue: false,
  trimValues: false,
  cdataPropName: CDATA,
  processEntities: true,
  // Decodes numeric character references (&#10;), which XML allows anywhere in text.
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Callbacks get no jPath string: saves building one per element on large pools.
  jPath: false,
  // A HOST or VM document nests about eight deep; leave room for deep templates.
  maxNestedTags: 256,
});

type Ordered = Record<string, unknown>;

export interface ParseXmlOptions {
  /**
   * Check well-formedness fully first (about 1.7 times the cost). fast-xml-parser alone accepts
   * mismatched closing tags; without this only a truncated document is refused.
   */
  readonly validate?: boolean;
}

/** Parses one XML document and returns its root element. */
export function parseXml(text: string, options: ParseXmlOptions = {}): XmlNode {
  if (options.validate) {
    const result = XMLValidator.validate(text);
    if (result !== true) {
      throw new OneXmlError('', `not well-formed XML: ${result.err.msg} (line ${result.err.line}, column ${result.err.col})`);
    }
  }
  let ordered: Ordered[];
  try {
    ordered = parser.parse(text) as Ordered[];
  } catch (error) {
    throw new OneXmlError('', `not well-formed XML: ${(error as Error).message}`, { cause: error });
  }
  const roots = toNodes(ordered);
  if (roots.length !== 1) throw new OneXmlError('', `expected one root element, found ${roots.length}`);
  const root = roots[0]!;
  // The parser silently closes what a cut-off document left open: a pool missing its tail
  // would look like a pool without those VMs.
  if (!endsWithRoot(text, root)) throw new OneXmlError(root.name, 'document truncated: it does not end with its root element');
  return root;
}

function endsWithRoot(text: string, root: XmlNode): boolean {
  const tail = text.trimEnd().slice(-root.name.length - 16);
  const name = root.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (new RegExp(`</${name}\\s*>$`).test(tail)) return true;
  // A self-closing root holds nothing, so it is the whole document.
  return root.children.length === 0 && new RegExp(`<${name}\\s*/>$`).test(tail);
}

function toNodes(items: readonly Ordered[]): XmlNode[] {
  const nodes: XmlNode[] = [];
  for (const item of items) {
    for (const key in item) {
      if (key === TEXT || key === CDATA || key === ':@' || key.startsWith('?')) continue;
      nodes.push(toNode(key, item[key] as Ordered[]));
    }
  }
  return nodes;
}

function toNode(name: string, content: readonly Ordered[]): XmlNode {
  const children: XmlNode[] = [];
  let text = '';
  let hasText = false;
  for (const item of content) {
    if (TEXT in item) {
      text += String(item[TEXT]);
      hasText = true;
    } else if (CDATA in item) {
      for (const part of item[CDATA] as Ordered[]) text += String(part[TEXT] ?? '');
      hasText = true;
    } else {
      for (const key in item) {
        if (key !== ':@' && !key.startsWith('?')) children.push(toNode(key, item[key] as Ordered[]));
      }
    }
  }
  // Whitespace between child elements is indentation, not a value: only leaves keep it.
  if (hasText && children.length > 0 && text.trim() === '') text = '';
  return { name, text, children };
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
