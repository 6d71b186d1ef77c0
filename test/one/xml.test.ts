import { describe, expect, it } from 'vitest';
import { OneXmlError } from '../../lib/one/errors';
import { at, child, childrenNamed, escapeXml, parseXml, textAt, writeXml } from '../../lib/one/xml';

describe('parseXml', () => {
  it('keeps text exactly: entities, numeric references, CDATA (also split), spaces', () => {
    // Prepare
    const xml = '<A><B>x &amp;lt; &lt;y&gt; &#10;&#x41;&#13;é</B><C><![CDATA[a]]]]><![CDATA[>b <&amp;> ]]></C><G>  sp  </G><H>t1<![CDATA[&c]]>t2</H></A>';

    // Act
    const root = parseXml(xml);

    // Assess
    expect(root.name).toBe('A');
    expect(textAt(root, 'B')).toBe('x &lt; <y> \nA\ré');
    expect(textAt(root, 'C')).toBe('a]]>b <&amp;> ');
    expect(textAt(root, 'G')).toBe('  sp  ');
    expect(textAt(root, 'H')).toBe('t1&ct2');
  });

  it('keeps repeated elements in document order and drops indentation between elements', () => {
    const root = parseXml('<?xml version="1.0"?>\n<T>\n  <GPU>a</GPU>\n  <X><Y>1</Y></X>\n  <GPU>b</GPU>\n  <E/>\n</T>');

    expect(root.text).toBe('');
    expect(root.children.map((c) => c.name)).toEqual(['GPU', 'X', 'GPU', 'E']);
    expect(childrenNamed(root, 'GPU').map((g) => g.text)).toEqual(['a', 'b']);
    expect(child(root, 'E')).toEqual({ name: 'E', text: '', children: [] });
    expect(at(root, 'X', 'Y')?.text).toBe('1');
    expect(at(root, 'X', 'Z')).toBeUndefined();
    expect(textAt(root, 'NOPE', 'Y')).toBeUndefined();
  });

  it('does not convert numbers or booleans', () => {
    const root = parseXml('<A><N>007</N><F>1.50</F><B>true</B><BIG>123456789012345678901234567890</BIG></A>');

    expect(root.children.map((c) => c.text)).toEqual(['007', '1.50', 'true', '123456789012345678901234567890']);
  });

  it('refuses a truncated document, one without a single root, and with validate any malformed one', () => {
    expect(() => parseXml('<VM_POOL><VM><ID>1</ID></VM><VM><ID>2</ID>')).toThrow(/truncated/);
    expect(() => parseXml('<HOST_POOL><HOST><PCI_DEVICES/>')).toThrow(/truncated/);
    expect(() => parseXml('')).toThrow(OneXmlError);
    expect(() => parseXml('<A/><B/>')).toThrow(/one root/);
    expect(() => parseXml('<A><B></A>', { validate: true })).toThrow(/not well-formed/);
  });

  it('accepts an empty self-closing root and trailing blanks', () => {
    expect(parseXml('<VM_POOL/>\n')).toEqual({ name: 'VM_POOL', text: '', children: [] });
    expect(parseXml('<VM_POOL></VM_POOL >  ', { validate: true }).name).toBe('VM_POOL');
  });

  it('writes back what it parsed', () => {
    const root = parseXml('<A><B>x &amp; &lt;y&gt;&#13;</B><C><D>1</D></C></A>');

    expect(parseXml(writeXml(root))).toEqual(root);
    expect(escapeXml('a&b<c>d\r')).toBe('a&amp;b&lt;c&gt;d&#13;');
  });
});
