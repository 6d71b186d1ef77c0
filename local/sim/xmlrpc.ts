import { el, escapeText, parseXml, type XmlElement, XmlSyntaxError } from './xml';

/** An XML-RPC 64-bit integer, sent as <i8> like xmlrpc-c's value_i8 (oned uses it in failure responses). */
export class I8 {
  constructor(readonly value: bigint) {}
}
export class Double {
  constructor(readonly value: number) {}
}
export type RpcValue = string | number | boolean | I8 | Double | Date | Buffer | null | RpcValue[] | { [k: string]: RpcValue };

export interface MethodCall {
  readonly method: string;
  readonly params: RpcValue[];
}

/** The request is not an XML-RPC call; answered with an XML-RPC fault as xmlrpc-c does. */
export class RpcFault extends Error {
  constructor(readonly faultCode: number, readonly faultString: string) {
    super(faultString);
    this.name = 'RpcFault';
  }
}

/** xmlrpc-c's fault codes (xmlrpc-c/base.h). */
export const FAULT = { PARSE: -503, TYPE: -501, NO_SUCH_METHOD: -506, INTERNAL: -500 } as const;

function only(element: XmlElement, what: string): XmlElement {
  if (element.children.length !== 1) throw new RpcFault(FAULT.PARSE, `<${element.name}> must hold one ${what}`);
  return element.children[0];
}

function decodeValue(value: XmlElement): RpcValue {
  if (value.name !== 'value') throw new RpcFault(FAULT.PARSE, `expected <value>, got <${value.name}>`);
  if (value.children.length === 0) return value.text; // untyped value is a string
  const typed = only(value, 'type');
  const text = typed.text;
  switch (typed.name) {
    case 'string': return text;
    case 'int':
    case 'i4': {
      const t = text.trim();
      if (!/^[+-]?\d+$/.test(t) || Number(t) > 2147483647 || Number(t) < -2147483648) throw new RpcFault(FAULT.PARSE, `bad <${typed.name}> ${t}`);
      return Number(t);
    }
    case 'i8': {
      const t = text.trim();
      if (!/^[+-]?\d+$/.test(t)) throw new RpcFault(FAULT.PARSE, `bad <i8> ${t}`);
      return new I8(BigInt(t));
    }
    case 'boolean': {
      const t = text.trim();
      if (t !== '0' && t !== '1') throw new RpcFault(FAULT.PARSE, `bad <boolean> ${t}`);
      return t === '1';
    }
    case 'double': return new Double(Number(text.trim()));
    case 'nil': return null;
    case 'base64': return Buffer.from(text.replace(/\s+/g, ''), 'base64');
    case 'dateTime.iso8601': return new Date(text.trim());
    case 'array': {
      const data = only(typed, '<data>');
      return data.children.map(decodeValue);
    }
    case 'struct': {
      const out: Record<string, RpcValue> = {};
      for (const member of typed.children) {
        const name = member.children.find((c) => c.name === 'name');
        const v = member.children.find((c) => c.name === 'value');
        if (!name || !v) throw new RpcFault(FAULT.PARSE, 'bad <member>');
        out[name.text] = decodeValue(v);
      }
      return out;
    }
    default: throw new RpcFault(FAULT.PARSE, `unknown type <${typed.name}>`);
  }
}

export function decodeCall(body: string): MethodCall {
  let root: XmlElement;
  try {
    root = parseXml(body);
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw new RpcFault(FAULT.PARSE, `XML-RPC call is not XML: ${e.message}`);
    throw e;
  }
  if (root.name !== 'methodCall') throw new RpcFault(FAULT.PARSE, 'root element is not <methodCall>');
  const name = root.children.find((c) => c.name === 'methodName');
  if (!name) throw new RpcFault(FAULT.PARSE, 'no <methodName>');
  const params = root.children.find((c) => c.name === 'params');
  return {
    method: name.text.trim(),
    params: (params?.children ?? []).map((p) => decodeValue(only(p, '<value>'))),
  };
}

export function encodeValue(v: RpcValue): string {
  if (typeof v === 'string') return `<value><string>${escapeText(v)}</string></value>`;
  if (typeof v === 'boolean') return `<value><boolean>${v ? 1 : 0}</boolean></value>`;
  if (typeof v === 'number') return `<value><i4>${v | 0}</i4></value>`;
  if (v instanceof I8) return `<value><i8>${v.value}</i8></value>`;
  if (v instanceof Double) return `<value><double>${v.value}</double></value>`;
  if (v === null) return '<value><nil/></value>';
  if (v instanceof Date) return `<value><dateTime.iso8601>${v.toISOString()}</dateTime.iso8601></value>`;
  if (Buffer.isBuffer(v)) return `<value><base64>${v.toString('base64')}</base64></value>`;
  if (Array.isArray(v)) return `<value><array><data>${v.map(encodeValue).join('')}</data></array></value>`;
  const members = Object.entries(v).map(([k, x]) => `<member>${el('name', escapeText(k))}${encodeValue(x)}</member>`);
  return `<value><struct>${members.join('')}</struct></value>`;
}

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\r\n';

export function encodeResponse(value: RpcValue): string {
  return `${HEAD}<methodResponse>\r\n<params>\r\n<param>${encodeValue(value)}</param>\r\n</params>\r\n</methodResponse>\r\n`;
}

export function encodeFault(fault: RpcFault): string {
  const body = encodeValue({ faultCode: fault.faultCode, faultString: fault.faultString });
  return `${HEAD}<methodResponse>\r\n<fault>\r\n${body}\r\n</fault>\r\n</methodResponse>\r\n`;
}
