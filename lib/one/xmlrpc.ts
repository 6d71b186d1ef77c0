/**
 * XML-RPC encoding of calls and decoding of answers (http://xmlrpc.com/spec.md), as far as
 * oned's API needs. The `xmlrpc` package decodes answers through sax, character by character:
 * 17 s of CPU for one 10,000-VM pool. This decoder reuses the document scanner.
 */
import type { XmlNode } from '../sched/snapshot';
import { OneXmlError } from './errors';
import { child, escapeXml, parseXml } from './xml';

export type XmlRpcParam = string | number | boolean;

/**
 * What an answer value decodes to. <i8> (xmlrpc-c's 64-bit integer) becomes a number when it
 * fits exactly, else stays a string; <dateTime.iso8601> stays its text, since xmlrpc-c sends
 * it without a zone (local time) and no Date could be exact.
 */
export type XmlRpcValue = string | number | boolean | null | Buffer | XmlRpcValue[] | { [name: string]: XmlRpcValue };

export type XmlRpcAnswer =
  | { readonly fault: false; readonly value: XmlRpcValue }
  | { readonly fault: true; readonly faultCode: XmlRpcValue; readonly faultString: string };

/** A methodCall document. Strings are always escaped text (never CDATA), so \r and "]]>" survive. */
export function encodeMethodCall(method: string, params: readonly XmlRpcParam[]): string {
  const values = params.map((p) => `<param><value>${encodeParam(p)}</value></param>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><methodCall><methodName>${escapeXml(method)}</methodName><params>${values}</params></methodCall>`;
}

function encodeParam(value: XmlRpcParam): string {
  if (typeof value === 'boolean') return `<boolean>${value ? 1 : 0}</boolean>`;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31) throw new RangeError(`not a 32-bit integer: ${value}`);
    return `<int>${value}</int>`;
  }
  return `<string>${escapeXml(value)}</string>`;
}

/** Decodes a methodResponse document. Throws OneXmlError when it is not one. */
export function decodeMethodResponse(text: string): XmlRpcAnswer {
  const root = parseXml(text);
  if (root.name !== 'methodResponse') throw new OneXmlError(root.name, 'not an XML-RPC methodResponse');
  const fault = child(root, 'fault');
  if (fault !== undefined) {
    const value = decodeValue(only(fault, 'value'));
    const struct = typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value) ? value : {};
    return { fault: true, faultCode: struct.faultCode ?? null, faultString: String(struct.faultString ?? '') };
  }
  const params = child(root, 'params');
  if (params === undefined) throw new OneXmlError('methodResponse', 'neither params nor fault');
  const param = only(params, 'param');
  return { fault: false, value: decodeValue(only(param, 'value')) };
}

function only(node: XmlNode, name: string): XmlNode {
  if (node.children.length !== 1 || node.children[0]!.name !== name) throw new OneXmlError(node.name, `expected exactly one <${name}>`);
  return node.children[0]!;
}

const INTEGER = /^\s*[-+]?\d+\s*$/;

function decodeValue(value: XmlNode): XmlRpcValue {
  if (value.name !== 'value') throw new OneXmlError(value.name, 'expected <value>');
  // No type element: a string (XML-RPC's default type).
  if (value.children.length === 0) return value.text;
  const typed = only(value, value.children[0]!.name);
  const text = typed.text;
  switch (typed.name) {
    case 'string':
      return text;
    case 'int':
    case 'i4':
    case 'i8': {
      if (!INTEGER.test(text)) throw new OneXmlError(typed.name, `not an integer: ${JSON.stringify(text)}`);
      const number = Number(text);
      return Number.isSafeInteger(number) ? number : text.trim();
    }
    case 'boolean': {
      const flag = text.trim();
      if (flag !== '0' && flag !== '1') throw new OneXmlError('boolean', `not 0 or 1: ${JSON.stringify(text)}`);
      return flag === '1';
    }
    case 'double':
      return Number(text);
    case 'nil':
      return null;
    case 'base64':
      return Buffer.from(text.replace(/\s+/g, ''), 'base64');
    case 'dateTime.iso8601':
      return text.trim();
    case 'array': {
      const data = only(typed, 'data');
      return data.children.map(decodeValue);
    }
    case 'struct': {
      const struct: Record<string, XmlRpcValue> = {};
      for (const member of typed.children) {
        const name = child(member, 'name');
        const memberValue = child(member, 'value');
        if (member.name !== 'member' || name === undefined || memberValue === undefined) throw new OneXmlError('struct', 'malformed <member>');
        Object.defineProperty(struct, name.text, { value: decodeValue(memberValue), enumerable: true, writable: true, configurable: true });
      }
      return struct;
    }
    default:
      throw new OneXmlError(typed.name, 'unknown XML-RPC type');
  }
}
