import { describe, expect, it } from 'vitest';
import { OneXmlError } from '../../lib/one/errors';
import { decodeMethodResponse, encodeMethodCall } from '../../lib/one/xmlrpc';
import { parseXml } from '../../lib/one/xml';

const response = (value: string): string => `<?xml version="1.0"?>\r\n<methodResponse>\r\n<params>\r\n<param><value>${value}</value></param>\r\n</params>\r\n</methodResponse>\r\n`;

describe('encodeMethodCall', () => {
  it('encodes strings as escaped text, integers as <int>, booleans as 0/1', () => {
    const xml = encodeMethodCall('one.vm.allocate', ['a]]>b<c&d\r', 42, true, false]);

    const root = parseXml(xml);
    expect(root.name).toBe('methodCall');
    expect(xml).not.toContain('CDATA');
    expect(xml).toContain('<string>a]]&gt;b&lt;c&amp;d&#13;</string>');
    expect(xml).toContain('<int>42</int><');
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
  });
});
