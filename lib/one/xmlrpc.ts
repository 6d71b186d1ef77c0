/**
 * XML-RPC's codec (http://xmlrpc.com/spec.md), as far as oned's API needs, for both sides: the
 * client encodes calls and decodes answers, the simulator (local/sim) decodes calls and
 * encodes answers, so what one writes the other reads by the same rules. The `xmlrpc` package
 * decodes answers through sax, character by character: 17 s of CPU for one 10,000-VM pool.
 * This decoder reuses the document scanner (xml.ts).
 */
import type { XmlNode } from '../sched/snapshot';
import { OneXmlError } from './errors';
import { child, escapeXml, parseXml } from './xml';

/** An XML-RPC 64-bit integer, sent as <i8> like xmlrpc-c's value_i8 (oned uses it in failure answers). */
export class I8 {
  constructor(readonly value: bigint) {}
}

/** An XML-RPC <double>: a JS number is sent as <i4>. */
export class Double {
  constructor(readonly value: number) {}
}

export type XmlRpcParam = string | number | boolean;

/**
 * An XML-RPC value. Decoded as plain values (an answer, for the client), <i8> becomes a
 * number when it fits exactly, else stays a string; <double> a number; <dateTime.iso8601>
 * stays its text, since xmlrpc-c sends it without a zone (local time) and no Date could be
 * exact. Decoded with its types (a call, for the simulator, which must refuse an <i8> where
 * xmlrpc-c wants an <i4>), they are I8, Double and Date.
 */
export type XmlRpcValue = string | number | boolean | null | Buffer | I8 | Double | Date | XmlRpcValue[] | { [name: string]: XmlRpcValue };

export type XmlRpcAnswer =
  | { readonly fault: false; readonly value: XmlRpcValue }
  | { readonly fault: true; readonly faultCode: XmlRpcValue; readonly faultString: string };

export interface MethodCall {
  readonly method: string;
  readonly params: XmlRpcValue[];
}

/** A methodCall document. Strings are always escaped text (never CDATA), so \r and "]]>" survive. */
export function encodeMethodCall(method: string, params: readonly XmlRpcParam[]): string {
  const values = params.map((p) => `<param>${encodeValue(p)}</param>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><methodCall><methodName>${escapeXml(method)}</methodName><params>${values}</params></methodCall>`;
}

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\r\n';

/** A methodResponse document, laid out as xmlrpc-c writes it. */
export function encodeMethodResponse(value: XmlRpcValue): string {
  return `${HEAD}<methodResponse>\r\n<params>\r\n<param>${encodeValue(value)}</param>\r\n</params>\r\n</methodResponse>\r\n`;
}

/** A fault methodResponse, laid out as xmlrpc-c writes it. */
export function encodeFault(faultCode: number, faultString: string): string {
  return `${HEAD}<methodResponse>\r\n<fault>\r\n${encodeValue({ faultCode, faultString })}\r\n</fault>\r\n</methodResponse>\r\n`;
}

/** One <value>. A number must be a 32-bit integer (<i4>): wider ones are I8, fractions Double. */
export function encodeValue(v: XmlRpcValue): string {
  if (typeof v === 'string') return `<value><string>${escapeXml(v)}</string></value>`;
  if (typeof v === 'boolean') return `<value><boolean>${v ? 1 : 0}</boolean></value>`;
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) throw new RangeError(`not a 32-bit integer: ${v}`);
    return `<value><i4>${v}</i4></value>`;
  }
  if (v === null) return '<value><nil/></value>';
  if (v instanceof I8) return `<value><i8>${v.value}</i8></value>`;
  if (v instanceof Double) return `<value><double>${v.value}</double></value>`;
  if (v instanceof Date) return `<value><dateTime.iso8601>${v.toISOString()}</dateTime.iso8601></value>`;
  if (Buffer.isBuffer(v)) return `<value><base64>${v.toString('base64')}</base64></value>`;
  if (Array.isArray(v)) return `<value><array><data>${v.map(encodeValue).join('')}</data></array></value>`;
  const members = Object.entries(v).map(([k, x]) => `<member><name>${escapeXml(k)}</name>${encodeValue(x)}</member>`);
  return `<value><struct>${members.join('')}</struct></value>`;
}

/** Decodes a methodResponse document into plain values. Throws OneXmlError when it is not one. */
export function decodeMethodResponse(text: string): XmlRpcAnswer {
  const root = parseXml(text);
  if (root.name !== 'methodResponse') throw new OneXmlError(root.name, 'not an XML-RPC methodResponse');
  const fault = child(root, 'fault');
  if (fault !== undefined) {
    const value = decodeValue(only(fault, 'value'), false);
    const struct = isStruct(value) ? value : {};
    return { fault: true, faultCode: struct.faultCode ?? null, faultString: String(struct.faultString ?? '') };
  }
  const params = child(root, 'params');
  if (params === undefined) throw new OneXmlError('methodResponse', 'neither params nor fault');
  const param = only(params, 'param');
  return { fault: false, value: decodeValue(only(param, 'value'), false) };
}

/** Decodes a methodCall document, its parameters with their types. Throws OneXmlError when it is not one. */
export function decodeMethodCall(text: string): MethodCall {
  const root = parseXml(text);
  if (root.name !== 'methodCall') throw new OneXmlError(root.name, 'not an XML-RPC methodCall');
  const name = child(root, 'methodName');
  if (name === undefined) throw new OneXmlError('methodCall', 'no <methodName>');
  const params = child(root, 'params');
  return {
    method: name.text.trim(),
    params: (params?.children ?? []).map((param) => {
      if (param.name !== 'param') throw new OneXmlError('params', `expected <param>, got <${param.name}>`);
      return decodeValue(only(param, 'value'), true);
    }),
  };
}

const isStruct = (v: XmlRpcValue): v is { [name: string]: XmlRpcValue } =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof I8) && !(v instanceof Double) && !(v instanceof Date);

function only(node: XmlNode, name: string): XmlNode {
  if (node.children.length !== 1 || node.children[0]!.name !== name) throw new OneXmlError(node.name, `expected exactly one <${name}>`);
  return node.children[0]!;
}

const INTEGER = /^\s*[-+]?\d+\s*$/;

/** One <value>; `typed`: <i8>, <double> and <dateTime.iso8601> as I8, Double and Date rather than plain values. */
function decodeValue(value: XmlNode, typed: boolean): XmlRpcValue {
  if (value.name !== 'value') throw new OneXmlError(value.name, 'expected <value>');
  // No type element: a string (XML-RPC's default type).
  if (value.children.length === 0) return value.text;
  const type = only(value, value.children[0]!.name);
  const text = type.text;
  switch (type.name) {
    case 'string':
      return text;
    case 'int':
    case 'i4': {
      if (!INTEGER.test(text)) throw new OneXmlError(type.name, `not an integer: ${JSON.stringify(text)}`);
      const number = Number(text);
      if (number < -(2 ** 31) || number >= 2 ** 31) throw new OneXmlError(type.name, `beyond 32 bits: ${text.trim()}`);
      return number;
    }
    case 'i8': {
      if (!INTEGER.test(text)) throw new OneXmlError(type.name, `not an integer: ${JSON.stringify(text)}`);
      if (typed) return new I8(BigInt(text.trim()));
      const number = Number(text);
      return Number.isSafeInteger(number) ? number : text.trim();
    }
    case 'boolean': {
      const flag = text.trim();
      if (flag !== '0' && flag !== '1') throw new OneXmlError('boolean', `not 0 or 1: ${JSON.stringify(text)}`);
      return flag === '1';
    }
    case 'double':
      return typed ? new Double(Number(text)) : Number(text);
    case 'nil':
      return null;
    case 'base64':
      return Buffer.from(text.replace(/\s+/g, ''), 'base64');
    case 'dateTime.iso8601':
      return typed ? new Date(text.trim()) : text.trim();
    case 'array': {
      const data = only(type, 'data');
      return data.children.map((v) => decodeValue(v, typed));
    }
    case 'struct': {
      const struct: Record<string, XmlRpcValue> = {};
      for (const member of type.children) {
        const name = child(member, 'name');
        const memberValue = child(member, 'value');
        if (member.name !== 'member' || name === undefined || memberValue === undefined) throw new OneXmlError('struct', 'malformed <member>');
        // Defined, not assigned: a member called __proto__ is a member like any other.
        Object.defineProperty(struct, name.text, { value: decodeValue(memberValue, typed), enumerable: true, writable: true, configurable: true });
      }
      return struct;
    }
    default:
      throw new OneXmlError(type.name, 'unknown XML-RPC type');
  }
}
