/**
 * Turns the XML element tree into the JSON that schemas/config.json describes, walking
 * the schema and the tree together, so the schema is the one description of both the
 * file's shape and its rules. Conventions:
 * - an object is an element whose properties are child elements (values may also be attributes);
 * - an array is an element whose children are all named by the schema's `xmlItem`;
 * - a value is the element's text, trimmed unless `xmlTrim` is false, read as the
 *   schema's type when it looks like one; otherwise it stays text so that the validator
 *   reports the type it expected.
 * Structural mistakes (unknown or repeated elements, text where elements belong) are
 * refused here with the element path; value rules are left to the validator.
 */
import { ConfigInvalidError } from './errors';
import type { XmlElement } from './xml';

export interface SchemaNode {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode;
  readonly $ref?: string;
  readonly xmlRoot?: string;
  readonly xmlItem?: string;
  readonly xmlTrim?: boolean;
  readonly definitions?: Readonly<Record<string, SchemaNode>>;
}

/** JSON pointer (as the validator reports it) → XML element path (as people read it). */
export type PathMap = ReadonlyMap<string, string>;

export interface Converted {
  readonly value: Record<string, unknown>;
  readonly paths: PathMap;
}

/** Elements people reach for that do not belong in the file, with what to do instead. */
const MISPLACED: Readonly<Record<string, string>> = {
  password: 'secrets are not read from the file: set SVMSCHED_ONE_PASSWORD (or ONE_AUTH) in the environment',
};

export function xmlToJson(root: XmlElement, schema: SchemaNode): Converted {
  const expected = schema.xmlRoot ?? root.name;
  if (root.name !== expected) throw new ConfigInvalidError(`/${root.name}`, `the root element must be <${expected}>`);
  const paths = new Map<string, string>();
  const walker = new Walker(schema, paths);
  const value = walker.convert(root, schema, `/${root.name}`, '');
  return { value: value as Record<string, unknown>, paths };
}

class Walker {
  constructor(
    private readonly root: SchemaNode,
    private readonly paths: Map<string, string>,
  ) {}

  convert(el: XmlElement, node: SchemaNode, path: string, pointer: string): unknown {
    const schema = this.resolve(node);
    this.paths.set(pointer, path);
    const types = typesOf(schema);
    if (types.includes('object')) return this.object(el, schema, path, pointer);
    if (types.includes('array')) return this.array(el, schema, path, pointer);
    if (el.children.length > 0) {
      throw new ConfigInvalidError(path, `expected a value, found element <${el.children[0]!.name}>`);
    }
    refuseAttributes(el, path);
    if (el.textError !== undefined) throw new ConfigInvalidError(path, el.textError);
    return scalar(el.text, schema);
  }

  private object(el: XmlElement, schema: SchemaNode, path: string, pointer: string): Record<string, unknown> {
    refuseText(el, path, 'child elements');
    const props = schema.properties ?? {};
    const out: Record<string, unknown> = {};
    for (const [name, error] of el.attributeErrors) throw new ConfigInvalidError(`${path}/@${name}`, error);
    for (const [name, raw] of el.attributes) {
      const attrPath = `${path}/@${name}`;
      const prop = this.propertyOf(props, name, attrPath, 'attribute');
      if (!isScalar(prop)) throw new ConfigInvalidError(attrPath, `${name} holds elements: write it as a child element`);
      out[name] = scalar(raw, prop);
      this.paths.set(`${pointer}/${name}`, attrPath);
    }
    for (const child of el.children) {
      const childPath = `${path}/${child.name}`;
      const prop = this.propertyOf(props, child.name, childPath, 'element');
      if (Object.hasOwn(out, child.name)) {
        throw new ConfigInvalidError(childPath, `given more than once (as an element or attribute): keep one`);
      }
      out[child.name] = this.convert(child, prop, childPath, `${pointer}/${child.name}`);
    }
    return out;
  }

  private array(el: XmlElement, schema: SchemaNode, path: string, pointer: string): unknown[] {
    refuseText(el, path, `<${schema.xmlItem}> elements`);
    refuseAttributes(el, path);
    const itemName = schema.xmlItem ?? 'item';
    return el.children.map((child, i) => {
      if (child.name !== itemName) {
        throw new ConfigInvalidError(`${path}/${child.name}`, `unexpected element: <${el.name}> holds <${itemName}> elements only`);
      }
      return this.convert(child, schema.items ?? {}, `${path}/${itemName}[${i + 1}]`, `${pointer}/${i}`);
    });
  }

  private propertyOf(props: Readonly<Record<string, SchemaNode>>, name: string, path: string, kind: string): SchemaNode {
    const prop = Object.hasOwn(props, name) ? props[name] : undefined;
    if (prop !== undefined) return this.resolve(prop);
    const advice = MISPLACED[name] ?? `expected one of: ${Object.keys(props).join(', ')}`;
    throw new ConfigInvalidError(path, `unknown ${kind}; ${advice}`);
  }

  private resolve(node: SchemaNode): SchemaNode {
    if (node.$ref === undefined) return node;
    const name = node.$ref.replace(/^#\/definitions\//, '');
    const target = this.root.definitions?.[name];
    if (target === undefined) throw new Error(`schemas/config.json: unresolved $ref ${node.$ref}`);
    return this.resolve(target);
  }
}

function typesOf(schema: SchemaNode): readonly string[] {
  if (schema.type === undefined) return [];
  return typeof schema.type === 'string' ? [schema.type] : schema.type;
}

function isScalar(schema: SchemaNode): boolean {
  const types = typesOf(schema);
  return !types.includes('object') && !types.includes('array');
}

function refuseText(el: XmlElement, path: string, expected: string): void {
  const text = el.text.trim();
  if (text !== '') throw new ConfigInvalidError(path, `unexpected text "${clip(text)}": this element holds ${expected}`);
}

function refuseAttributes(el: XmlElement, path: string): void {
  const [first] = [...el.attributes.keys(), ...el.attributeErrors.keys()];
  if (first !== undefined) throw new ConfigInvalidError(`${path}/@${first}`, 'unexpected attribute');
}

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BOOLEANS: Readonly<Record<string, boolean>> = { true: true, yes: true, false: false, no: false };

/** Reads text as the first of the schema's types it fits; text that fits none stays text for the validator to name. */
function scalar(raw: string, schema: SchemaNode): unknown {
  const text = schema.xmlTrim === false ? raw : raw.trim();
  for (const type of typesOf(schema)) {
    if (type === 'integer' && INTEGER.test(text)) return Number(text);
    if (type === 'number' && NUMBER.test(text)) return Number(text);
    if (type === 'boolean' && Object.hasOwn(BOOLEANS, text.toLowerCase())) return BOOLEANS[text.toLowerCase()];
    if (type === 'string') return text;
  }
  return text;
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
