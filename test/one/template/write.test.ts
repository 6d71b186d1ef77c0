import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTemplate, TemplateValueError, writeTemplate, type TemplateAttr } from '../../../lib/one/template';
import { templateAttrs, templateValue } from './arbitraries';

describe('writeTemplate', () => {
  it('round-trips every value unchanged through parseTemplate', () => {
    fc.assert(
      fc.property(templateAttrs, (attrs) => {
        // Act
        const parsed = parseTemplate(writeTemplate(attrs));

        // Assess
        expect(parsed).toEqual(attrs);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips the values that break naive writers', () => {
    // Prepare
    const nasty = [
      '"', '\\"', '\\', 'a\\', 'C:\\dir\\', '\\\\"', '"]', ']', '[', ',', '$NAME', '$(echo x)', '#', '=', 'a\nb',
      '\n', ' ', '\t', 'ünïcødé ☃ 𝄞', '', '""', 'x"\ny = "z', '] X = [',
    ];
    const attrs: TemplateAttr[] = nasty.map((value, i) => ({ name: `A${i}`, value }));
    attrs.push({ name: 'V', vector: nasty.map((value, i) => ({ name: `K${i}`, value })) });

    // Act
    const parsed = parseTemplate(writeTemplate(attrs));

    // Assess
    expect(parsed).toEqual(attrs);
  });

  it('refuses what no template form carries, rather than write something else', () => {
    for (const value of ['a]]>b', 'x\u0000', 'a\r\nb', 'a b\\', '\uD800', 'q"\\']) {
      expect(() => writeTemplate([{ name: 'A', value }]), JSON.stringify(value)).toThrow(TemplateValueError);
    }
    expect(() => writeTemplate([{ name: 'BAD NAME', value: 'x' }])).toThrow(TemplateValueError);
    expect(() => writeTemplate([{ name: 'V', vector: [{ name: 'A', value: '1' }, { name: 'a', value: '2' }] }]))
      .toThrow(/repeated/);
  });

  it('accepts any value it does not refuse', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        let text: string;
        try {
          text = writeTemplate([{ name: 'A', value }]);
        } catch (e) {
          expect(e).toBeInstanceOf(TemplateValueError);
          return;
        }
        expect(parseTemplate(text)).toEqual([{ name: 'A', value }]);
      }),
      { numRuns: 2000 },
    );
    fc.assert(fc.property(templateValue, (value) => {
      expect(parseTemplate(writeTemplate([{ name: 'A', value }]))).toEqual([{ name: 'A', value }]);
    }));
  });
});
