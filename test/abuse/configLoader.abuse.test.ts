/**
 * The configuration loader against hostile files, beyond test/config/property.test.ts (arbitrary
 * strings, element trees, cut-and-paste of a valid file): DTDs and entity bombs, nesting far
 * beyond any configuration, oversize files, and arbitrary text in every numeric field. The
 * outcome is a frozen configuration that keeps its invariants, or ConfigInvalidError naming
 * an element: never another error, never a hang, never a file's content pulled in.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigInvalidError, parseConfig, type SvmschedConfig } from '../../lib/config';
import { minimalXml } from '../config/xml';

function outcome(xml: string): SvmschedConfig | ConfigInvalidError {
  try {
    const config = parseConfig(xml, {});
    expect(Object.isFrozen(config)).toBe(true);
    return config;
  } catch (error) {
    expect(error, String((error as Error)?.stack)).toBeInstanceOf(ConfigInvalidError);
    expect((error as ConfigInvalidError).element.startsWith('/')).toBe(true);
    return error as ConfigInvalidError;
  }
}

const BODY = minimalXml().replace(/^<\?xml[^>]*>\n/, '');

describe('the configuration loader', () => {
  it('refuses every DTD: internal and external entities, entity bombs', () => {
    const decls = fc.constantFrom(
      '<!DOCTYPE svmsched [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
      '<!DOCTYPE svmsched SYSTEM "http://127.0.0.1:9/x.dtd">',
      `<!DOCTYPE svmsched [<!ENTITY a "aaaaaaaaaa">${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${'b'.repeat(i + 1)} "${`&${i === 0 ? 'a' : 'b'.repeat(i)};`.repeat(10)}">`).join('')}]>`,
      '<!doctype svmsched>',
      '<!DocType\nsvmsched [ <!ENTITY % p SYSTEM "file:///etc/shadow"> %p; ]>',
    );
    const where = fc.constantFrom('&x;', '&bbbbbbbbb;', '&a;', '');
    fc.assert(fc.property(decls, where, fc.boolean(), (decl, ref, bom) => {
      const xml = `${bom ? '\ufeff' : ''}<?xml version="1.0"?>\n${decl}\n${BODY.replace('<user>oneadmin</user>', `<user>oneadmin${ref}</user>`)}`;
      const result = outcome(xml);
      expect(result).toBeInstanceOf(ConfigInvalidError);
      expect((result as Error).message).not.toMatch(/root:|daemon:/);
    }), { numRuns: 50 });
  });

  it('refuses nesting far beyond any configuration with ConfigInvalidError, not a stack overflow', () => {
    fc.assert(fc.property(fc.integer({ min: 33, max: 60_000 }), fc.constantFrom('x', 'service', 'repositories'), (depth, name) => {
      const nested = `${`<${name}>`.repeat(depth)}${`</${name}>`.repeat(depth)}`;
      expect(outcome(BODY.replace('</svmsched>', `${nested}</svmsched>`))).toBeInstanceOf(ConfigInvalidError);
    }), { numRuns: 20 });
  });

  it('refuses a file over the size limit without parsing it', () => {
    const padding = `<!--${'x'.repeat(5 * 1024 * 1024)}-->`;
    expect(outcome(BODY.replace('</svmsched>', `${padding}</svmsched>`))).toBeInstanceOf(ConfigInvalidError);
  });

  it('reads any text in a numeric field as a positive safe integer, or names the field', () => {
    const numeric = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('1e309', '-0', '0x10', '0b1', '1_000', ' 4 ', '4.0', '4.5', 'NaN', 'Infinity', '9007199254740993', '&#52;', '٤', '４', '+4', '00004'),
      fc.integer({ min: -10, max: 2 ** 40 }).map(String),
    );
    const field = fc.constantFrom('maxVcpu', 'maxMemory');
    fc.assert(fc.property(field, numeric, (name, text) => {
      const escaped = text.replace(/&(?!#52;)/g, '&amp;').replace(/</g, '&lt;');
      // A replacer function: in a replacement string, text such as "$'" would splice in the rest of the document.
      const xml = BODY.replace(new RegExp(`<${name}>[^<]*</${name}>`), () => `<${name}>${escaped}</${name}>`);
      const result = outcome(xml);
      if (result instanceof ConfigInvalidError) {
        expect(result.element).toContain('/services/service');
        return;
      }
      const service = result.services[0]!;
      for (const n of [service.maxVcpu, service.maxMemory, service.defaultVcpu, service.defaultMemory]) {
        expect(Number.isSafeInteger(n) && n > 0, `${name}=${JSON.stringify(text)} gave ${n}`).toBe(true);
      }
    }), { numRuns: 300, examples: [['maxVcpu', "$'"], ['maxMemory', '$&$`']] });
  });
});
