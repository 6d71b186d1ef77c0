/**
 * Reads the configuration's XML into a plain element tree, refusing anything that is
 * not well-formed. fast-xml-parser keeps text exactly as written (parseTagValue and
 * trimValues off): the schema-driven conversion decides where whitespace matters.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ConfigInvalidError } from './errors';

export interface XmlElement {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  /** Text and CDATA directly inside the element, concatenated, entities decoded. */
  readonly text: string;
  /**
   * Why the text or an attribute (by name) could not be decoded. Kept, not thrown, so
   * that the conversion reports it under the element's full path (with its index).
   */
  readonly textError?: string;
  readonly attributeErrors: ReadonlyMap<string, string>;
}

/** Far more than the configuration needs; keeps a hostile file from exhausting the stack or memory. */
const MAX_BYTES = 4 * 1024 * 1024;
const MAX_DEPTH = 32;

const ATTR_PREFIX = '@_';
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: ATTR_PREFIX,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Entities are decoded below, strictly, and never inside CDATA.
  processEntities: false,
  cdataPropName: '#cdata',
});

type Ordered = Record<string, unknown>;

export function readXml(xml: string): XmlElement {
  if (typeof xml !== 'string') throw new ConfigInvalidError('/', 'the configuration must be XML text');
  if (xml.length > MAX_BYTES) throw new ConfigInvalidError('/', `the file is larger than ${MAX_BYTES} bytes`);
  const text = xml.replace(/^\uFEFF/, '');
  // No DTD means no entity expansion attacks and no external entities to fetch.
  if (/<!DOCTYPE/i.test(text)) throw new ConfigInvalidError('/', 'DOCTYPE declarations are not allowed: remove the <!DOCTYPE …> line');
  const nodes = parseWellFormed(text);
  const roots = nodes.filter((n) => elementName(n) !== undefined);
  if (roots.length !== 1) throw new ConfigInvalidError('/', `expected exactly one root element, found ${roots.length}`);
  return toElement(roots[0]!, '', 1);
}

function parseWellFormed(text: string): Ordered[] {
  let verdict: ReturnType<typeof XMLValidator.validate>;
  try {
    verdict = XMLValidator.validate(text);
  } catch (cause) {
    throw new ConfigInvalidError('/', 'not well-formed XML', { cause });
  }
  if (verdict !== true) {
    const { line, col, msg } = verdict.err;
    throw new ConfigInvalidError('/', `not well-formed XML at line ${line}${col === undefined ? '' : `, column ${col}`}: ${msg}`);
  }
  try {
    return parser.parse(text) as Ordered[];
  } catch (cause) {
    throw new ConfigInvalidError('/', `not well-formed XML: ${(cause as Error).message}`, { cause });
  }
}

/** The element name of an ordered node; undefined for text, CDATA, comments and processing instructions. */
function elementName(node: Ordered): string | undefined {
  return Object.keys(node).find((k) => k !== ':@' && !k.startsWith('#') && !k.startsWith('?'));
}

function toElement(node: Ordered, parentPath: string, depth: number): XmlElement {
  const name = elementName(node)!;
  const path = `${parentPath}/${name}`;
  if (depth > MAX_DEPTH) throw new ConfigInvalidError(path, `elements nest deeper than ${MAX_DEPTH} levels`);
  const attributes = new Map<string, string>();
  const attributeErrors = new Map<string, string>();
  for (const [key, value] of Object.entries((node[':@'] ?? {}) as Record<string, string>)) {
    const attr = key.slice(ATTR_PREFIX.length);
    const decoded = decodeEntities(String(value));
    if (typeof decoded === 'string') attributes.set(attr, decoded);
    else attributeErrors.set(attr, decoded.error);
  }
  const children: XmlElement[] = [];
  let text = '';
  let textError: string | undefined;
  for (const child of node[name] as Ordered[]) {
    if ('#text' in child) {
      const decoded = decodeEntities(String(child['#text']));
      if (typeof decoded === 'string') text += decoded;
      else textError ??= decoded.error;
    } else if ('#cdata' in child) {
      text += (child['#cdata'] as Ordered[]).map((c) => String(c['#text'] ?? '')).join('');
    } else if (elementName(child) !== undefined) {
      children.push(toElement(child, path, depth + 1));
    }
  }
  return { name, attributes, children, text, attributeErrors, ...(textError === undefined ? {} : { textError }) };
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** XML's five entities and character references; anything else is an error, as in any XML parser. */
function decodeEntities(raw: string): string | { error: string } {
  let error: string | undefined;
  const decoded = raw.replace(/&([^;&]*)(;?)/g, (whole, ref: string, semi: string) => {
    const named = NAMED_ENTITIES[ref];
    if (semi === ';' && named !== undefined) return named;
    const m = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(ref);
    const code = semi === ';' && m ? parseInt(m[1] ?? m[2]!, m[1] ? 16 : 10) : NaN;
    if (isXmlChar(code)) return String.fromCodePoint(code);
    error ??= semi === ';'
      ? `unknown entity ${whole}: use &lt; &gt; &amp; &quot; &apos; or a character reference`
      : `a bare '&' must be written &amp;`;
    return whole;
  });
  return error === undefined ? decoded : { error };
}

function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd
    || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}
