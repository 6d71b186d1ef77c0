/**
 * The XML the simulator writes: escaping for text, CDATA for template values (as oned writes
 * them); and a small strict reader, with which the tests read its documents independently of
 * the client's (XML-RPC requests are read by the shared codec, lib/one/xmlrpc.ts).
 */

export function escapeText(text: string): string {
  return text.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
}

/** oned writes template values in CDATA; its template parser refuses "]]>", so one section always fits. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

export function el(name: string, content: string | number): string {
  return `<${name}>${content}</${name}>`;
}

export interface XmlElement {
  readonly name: string;
  readonly children: XmlElement[];
  /** Concatenated character data (text, entities, CDATA) directly inside the element. */
  text: string;
}

export class XmlSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`);
    this.name = 'XmlSyntaxError';
  }
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(raw: string, offset: number): string {
  // XML end-of-line handling: CR LF and lone CR become LF before entities are expanded.
  return raw.replace(/\r\n?/g, '\n').replace(/&([^;]*);/g, (_, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    const value = ENTITIES[name];
    if (value === undefined) throw new XmlSyntaxError(`unknown entity &${name};`, offset);
    return value;
  });
}

/** Parses a document into its root element. Attributes are read and ignored (XML-RPC has none). */
export function parseXml(xml: string): XmlElement {
  let pos = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const skip = (re: RegExp): void => {
    re.lastIndex = pos;
    const m = re.exec(xml);
    if (!m || m.index !== pos) throw new XmlSyntaxError('malformed markup', pos);
    pos += m[0].length;
  };
  while (pos < xml.length) {
    const lt = xml.indexOf('<', pos);
    const textEnd = lt === -1 ? xml.length : lt;
    if (textEnd > pos) {
      const raw = xml.slice(pos, textEnd);
      if (stack.length > 0) stack[stack.length - 1].text += decodeEntities(raw, pos);
      else if (raw.trim() !== '') throw new XmlSyntaxError('text outside the root element', pos);
      pos = textEnd;
      continue;
    }
    if (xml.startsWith('<?', pos)) skip(/<\?[\s\S]*?\?>/y);
    else if (xml.startsWith('<!--', pos)) skip(/<!--[\s\S]*?-->/y);
    else if (xml.startsWith('<![CDATA[', pos)) {
      const end = xml.indexOf(']]>', pos);
      if (end === -1 || stack.length === 0) throw new XmlSyntaxError('bad CDATA section', pos);
      stack[stack.length - 1].text += xml.slice(pos + 9, end).replace(/\r\n?/g, '\n');
      pos = end + 3;
    } else if (xml.startsWith('<!DOCTYPE', pos)) {
      throw new XmlSyntaxError('DOCTYPE is not accepted', pos);
    } else if (xml.startsWith('</', pos)) {
      const m = /<\/([^\s>]+)\s*>/y;
      m.lastIndex = pos;
      const match = m.exec(xml);
      const open = stack.pop();
      if (!match || !open || open.name !== match[1]) throw new XmlSyntaxError('mismatched end tag', pos);
      pos += match[0].length;
    } else {
      const m = /<([A-Za-z_][\w.\-:]*)((?:\s+[^\s=>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
      m.lastIndex = pos;
      const match = m.exec(xml);
      if (!match) throw new XmlSyntaxError('malformed start tag', pos);
      const element: XmlElement = { name: match[1], children: [], text: '' };
      if (stack.length > 0) stack[stack.length - 1].children.push(element);
      else if (root) throw new XmlSyntaxError('second root element', pos);
      else root = element;
      if (match[3] !== '/') stack.push(element);
      pos += match[0].length;
    }
  }
  if (!root || stack.length > 0) throw new XmlSyntaxError('unexpected end of document', pos);
  return root;
}
