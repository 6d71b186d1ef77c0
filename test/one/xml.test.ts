import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { OneXmlError } from '../../lib/one/errors';
import { at, child, childrenNamed, escapeXml, parseXml, textAt, writeXml } from '../../lib/one/xml';
import type { XmlNode } from '../../lib/sched/snapshot';
import { fixture } from './fixture';

describe('parseXml', () => {
  it('keeps text exactly: entities, character references, CDATA (also split), spaces', () => {
    // Prepare
    const xml = '<A><B>x &amp;lt; &lt;y&gt; &#10;&#x41;&#13;é&quot;&apos;</B><C><![CDATA[a]]]]><![CDATA[>b <&amp;> ]]></C><G>  sp  </G><H>t1<![CDATA[&c]]>t2</H></A>';

    // Act
    const root = parseXml(xml);

    // Assess
    expect(root.name).toBe('A');
    expect(textAt(root, 'B')).toBe('x &lt; <y> \nA\ré"\'');
    expect(textAt(root, 'C')).toBe('a]]>b <&amp;> ');
    expect(textAt(root, 'G')).toBe('  sp  ');
    expect(textAt(root, 'H')).toBe('t1&ct2');
  });

  it('normalizes raw line ends as XML requires, keeps a referenced \\r', () => {
    expect(textAt(parseXml('<A><B>a\r\nb\rc&#13;</B></A>'), 'B')).toBe('a\nb\nc\r');
    expect(textAt(parseXml('<A><B><![CDATA[a\r\nb]]></B></A>'), 'B')).toBe('a\nb');
  });

  it('keeps repeated elements in document order and drops indentation between elements', () => {
    const root = parseXml('\uFEFF<?xml version="1.0"?>\n<!-- c --><T a="1" b=\'>\'>\n  <GPU>a</GPU>\n  <X><Y>1</Y></X>\n  <GPU>b</GPU>\n  <E/><F x="y" />\n</T>\n');

    expect(root.text).toBe('');
    expect(root.children.map((c) => c.name)).toEqual(['GPU', 'X', 'GPU', 'E', 'F']);
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

  it.each([
    ['<VM_POOL><VM><ID>1</ID></VM><VM><ID>2</ID>', /truncated/],
    ['<HOST_POOL><HOST><PCI_DEVICES/>', /truncated/],
    ['<A><B></A>', /does not match/],
    ['', /no root/],
    ['<A/><B/>', /second root/],
    ['<A>x</A>y', /text after/],
    ['<A>&nbsp;</A>', /unknown entity/],
    ['<A>a & b</A>', /unknown entity/],
    ['<A>&constructor;</A>', /unknown entity/],
    ['<A>&#0;</A>', /invalid character reference/],
    ['<!DOCTYPE A [<!ENTITY x "y">]><A>&x;</A>', /DOCTYPE/],
    ['<A><![CDATA[x</A>', /unterminated CDATA/],
    ['<A><B', /unterminated start tag/],
  ])('refuses %j', (xml, message) => {
    expect(() => parseXml(xml)).toThrow(OneXmlError);
    expect(() => parseXml(xml)).toThrow(message);
  });

  it('writes back what it parsed', () => {
    const root = parseXml('<A><B>x &amp; &lt;y&gt;&#13;</B><C><D>1</D></C></A>');

    expect(parseXml(writeXml(root))).toEqual(root);
    expect(escapeXml('a&b<c>d\r')).toBe('a&amp;b&lt;c&gt;d&#13;');
  });
});

/** fast-xml-parser, configured to keep order and values, as an independent reading of the same text. */
const reference = new XMLParser({
  preserveOrder: true, ignoreAttributes: true, parseTagValue: false, trimValues: false,
  cdataPropName: '#cdata', htmlEntities: true, ignoreDeclaration: true, ignorePiTags: true,
});

type Ordered = Record<string, unknown>;
function fromReference(items: readonly Ordered[]): XmlNode[] {
  return items.flatMap((item) => Object.keys(item).filter((k) => k !== '#text' && k !== '#cdata' && k !== ':@').map((name) => {
    const content = item[name] as Ordered[];
    const children = fromReference(content);
    const textOf = (c: Ordered): string => ('#text' in c ? String(c['#text']) : '#cdata' in c ? (c['#cdata'] as Ordered[]).map((p) => String(p['#text'] ?? '')).join('') : '');
    const text = content.map(textOf).join('');
    const node: XmlNode = { name, text: children.length > 0 && text.trim() === '' ? '' : text, children };
    if (children.length === 0 || text === '') return node;
    // The text before each child element and after the last, as the parser keeps it.
    const runs = [''];
    for (const c of content) {
      if ('#text' in c || '#cdata' in c) runs[runs.length - 1] += textOf(c);
      else if (Object.keys(c).some((k) => k !== ':@')) runs.push('');
    }
    return { ...node, runs };
  }));
}

const textValue = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '\n', '\t', '<', '>', '&', '"', "'", ']', 'é', '𝄞', '$', '\\') , maxLength: 12 });
const element: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(fc.constantFrom('A', 'B', 'CPU', 'NIC', 'DISK'), textValue, fc.boolean()).map(([name, value, asCdata]) =>
      asCdata && !value.includes(']]>') ? `<${name}><![CDATA[${value}]]></${name}>` : `<${name}>${escapeXml(value)}</${name}>`),
    fc.tuple(fc.constantFrom('TEMPLATE', 'HOST', 'VM'), fc.array(tie('node'), { maxLength: 4 }), fc.constantFrom('', '\n  '))
      .map(([name, kids, indent]) => `<${name}>${kids.map((k) => indent + k).join('')}${indent}</${name}>`),
  ),
})).node;

describe('parseXml agrees with fast-xml-parser', () => {
  it('on every fixture', () => {
    for (const name of ['host.xml', 'host_pool.xml', 'cluster_pool.xml', 'datastore_pool.xml', 'vnet.xml', 'vnet_pool.xml', 'vm.xml', 'vm_pool.xml', 'vm_pool_extended.xml']) {
      const xml = fixture(name);
      expect(parseXml(xml), name).toEqual(fromReference(reference.parse(xml) as Ordered[])[0]);
    }
  });

  it('on generated documents', () => {
    fc.assert(fc.property(element, (xml) => {
      expect(parseXml(xml)).toEqual(fromReference(reference.parse(xml) as Ordered[])[0]);
    }), { numRuns: 300 });
  });
});
