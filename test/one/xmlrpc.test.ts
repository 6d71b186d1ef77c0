import { describe, expect, it } from 'vitest';
import { OneXmlError } from '../../lib/one/errors';
import { decodeMethodCall, decodeMethodResponse, Double, encodeFault, encodeMethodCall, encodeMethodResponse, I8 } from '../../lib/one/xmlrpc';
import { parseXml } from '../../lib/one/xml';

const response = (value: string): string => `<?xml version="1.0"?>\r\n<methodResponse>\r\n<params>\r\n<param><value>${value}</value></param>\r\n</params>\r\n</methodResponse>\r\n`;

describe('encodeMethodCall', () => {
  it('encodes strings as escaped text, integers as <i4>, booleans as 0/1', () => {
    const xml = encodeMethodCall('one.vm.allocate', ['a]]>b<c&d\r', 42, true, false]);

    const root = parseXml(xml);
    expect(root.name).toBe('methodCall');
    expect(xml).not.toContain('CDATA');
    expect(xml).toContain('<string>a]]&gt;b&lt;c&amp;d&#13;</string>');
    expect(xml).toContain('<i4>42</i4><');
    expect(xml).toContain('<boolean>1</boolean>');
    expect(xml).toContain('<boolean>0</boolean>');
  });

  it('refuses a number XML-RPC <int> cannot carry', () => {
    expect(() => encodeMethodCall('m', [2 ** 31])).toThrow(RangeError);
    expect(() => encodeMethodCall('m', [1.5])).toThrow(RangeError);
  });
});

describe('decodeMethodResponse', () => {
  it('decodes every XML-RPC type oned sends, <i8> exactly', () => {
    const answer = decodeMethodResponse(response('<array><data>'
      + '<value><boolean>1</boolean></value><value><i4>-7</i4></value><value><int>8</int></value>'
      + '<value><i8>9007199254740993</i8></value><value><i8>1024</i8></value><value>untyped &amp; raw</value>'
      + '<value><string></string></value><value><double>0.5</double></value><value><nil/></value>'
      + '<value><dateTime.iso8601>20251222T10:00:00</dateTime.iso8601></value><value><base64>aGk=</base64></value>'
      + '<value><struct><member><name>k</name><value><string>v</string></value></member></struct></value>'
      + '</data></array>'));

    expect(answer).toEqual({ fault: false, value: [true, -7, 8, '9007199254740993', 1024, 'untyped & raw', '', 0.5, null, '20251222T10:00:00', Buffer.from('hi'), { k: 'v' }] });
  });

  it('decodes a fault', () => {
    const xml = '<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>-501</int></value></member><member><name>faultString</name><value><string>Type mismatch</string></value></member></struct></value></fault></methodResponse>';

    expect(decodeMethodResponse(xml)).toEqual({ fault: true, faultCode: -501, faultString: 'Type mismatch' });
  });

  it('refuses what is not a methodResponse', () => {
    expect(() => decodeMethodResponse('<html><body>502</body></html>')).toThrow(OneXmlError);
    expect(() => decodeMethodResponse(response('<i4>x</i4>'))).toThrow(/not an integer/);
    expect(() => decodeMethodResponse(response('<blob>x</blob>'))).toThrow(/unknown XML-RPC type/);
    expect(() => decodeMethodResponse(response('<i4>2147483648</i4>'))).toThrow(/beyond 32 bits/);
  });

  it('reads back every value the simulator writes, <i8>, <double> and dates as plain values', () => {
    const when = new Date('2025-12-22T10:00:00.000Z');
    const struct = JSON.parse('{"__proto__":"x","k":[true]}') as { [name: string]: string | boolean[] };
    const xml = encodeMethodResponse([false, 'a]]>b<c&d\r', 1024, -1, new I8(2n ** 53n + 1n), new I8(0n), new Double(0.25), null, when, Buffer.from('hi'), struct]);

    const answer = decodeMethodResponse(xml);

    expect(answer).toEqual({ fault: false, value: [false, 'a]]>b<c&d\r', 1024, -1, '9007199254740993', 0, 0.25, null, '2025-12-22T10:00:00.000Z', Buffer.from('hi'), struct] });
    // A member called __proto__ is a member, not the object's prototype.
    const decoded = (answer as { value: object[] }).value[10]!;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded)).toEqual(['__proto__', 'k']);
  });

  it('reads back a fault the simulator writes', () => {
    expect(decodeMethodResponse(encodeFault(-503, 'not <XML>'))).toEqual({ fault: true, faultCode: -503, faultString: 'not <XML>' });
  });
});

describe('decodeMethodCall', () => {
  it('reads what the client sends', () => {
    expect(decodeMethodCall(encodeMethodCall('one.vm.allocate', ['a]]>b<c&d\r', 42, true]))).toEqual({ method: 'one.vm.allocate', params: ['a]]>b<c&d\r', 42, true] });
  });

  it('keeps XML-RPC types a server must tell apart: <i8> is not an <i4>', () => {
    const call = decodeMethodCall('<methodCall><methodName> one.vm.info </methodName><params>'
      + '<param><value>raw</value></param><param><value><i8>42</i8></value></param><param><value><double>1.5</double></value></param>'
      + '<param><value><dateTime.iso8601>2025-12-22T10:00:00Z</dateTime.iso8601></value></param></params></methodCall>');

    expect(call).toEqual({ method: 'one.vm.info', params: ['raw', new I8(42n), new Double(1.5), new Date('2025-12-22T10:00:00Z')] });
  });

  it('refuses what is not a methodCall', () => {
    expect(() => decodeMethodCall('<methodCall><methodName>x</methodName')).toThrow(OneXmlError);
    expect(() => decodeMethodCall('<methodResponse/>')).toThrow(/not an XML-RPC methodCall/);
    expect(() => decodeMethodCall('<methodCall><params/></methodCall>')).toThrow(/no <methodName>/);
    expect(() => decodeMethodCall('<methodCall><methodName>x</methodName><params><value>1</value></params></methodCall>')).toThrow(/expected <param>/);
  });
});
