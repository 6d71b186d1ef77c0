import fc from 'fast-check';
import type { TemplateAttr } from '../../../lib/one/template';

/** Characters that stress the template syntax, mixed with ordinary and non-ASCII text. */
const special = fc.constantFrom('"', '\\', '[', ']', ',', '=', '#', '$', '\n', '\t', ' ', '{', '}', "'", '`', '>', 'é', '☃', '𝄞');

/**
 * Any value the writer accepts: text holding special characters, never "]]>" nor
 * characters XML cannot carry, and a trailing backslash only on a bare word.
 */
export const templateValue: fc.Arbitrary<string> = fc
  .array(fc.oneof(special, fc.string({ unit: 'grapheme', maxLength: 4 })), { maxLength: 12 })
  .map((parts) => parts.join(''))
  // eslint-disable-next-line no-control-regex
  .map((s) => s.replaceAll(']]>', ']] >').replace(/[\u0000-\u0008\u000B-\u001F]/g, '?'))
  .map((s) => (s.endsWith('\\') && !/^[^=#\t \n,[\]"]+$/.test(s) ? `${s}.` : s));

const attrName = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,11}$/);

/** Template attributes as parseTemplate returns them: upper-case names, vectors without repeated keys. */
export const templateAttrs: fc.Arbitrary<TemplateAttr[]> = fc.array(
  fc.oneof(
    fc.record({ name: attrName, value: templateValue }),
    fc.record({
      name: attrName,
      vector: fc.uniqueArray(fc.record({ name: attrName, value: templateValue }), { selector: (p) => p.name, maxLength: 5 }),
    }),
  ),
  { maxLength: 8 },
);
