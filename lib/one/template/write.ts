import { TemplateValueError } from './errors';
import { isVector, type TemplateAttr } from './types';

const NAME = /^[A-Za-z0-9_]+$/;
/** What the bare-word rule accepts, minus '"' (a quote could start a longer quoted match). */
const BARE = /^[^=#\t \n,[\]"]+$/;
/**
 * Characters that do not come back unchanged from oned: C0 controls XML 1.0 cannot carry
 * (NUL would also cut oned's C strings), lone surrogates, U+FFFE/U+FFFF, and CR, which oned
 * writes raw inside CDATA where every XML parser reads it back as LF.
 */
// eslint-disable-next-line no-control-regex
const UNCARRIABLE = /[\u0000-\u0008\u000B-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkName(name: string, where: string): void {
  if (!NAME.test(name)) throw new TemplateValueError(where, 'a name is letters, digits and "_" only');
}

/**
 * One value in the only forms oned's lexer reads back unchanged. Quoted: every " becomes \"
 * (oned's only escape). Two values have no quoted form: one ending in a backslash (its \"
 * would swallow the closing quote), written bare when the bare-word rule takes it whole, and
 * one holding "]]>" (oned aborts the parse), refused like any character XML cannot carry.
 */
export function writeValue(value: string, where = 'value'): string {
  if (UNCARRIABLE.test(value)) {
    throw new TemplateValueError(where, 'holds a character OpenNebula does not give back unchanged (control character or CR, lone surrogate, U+FFFE/U+FFFF)');
  }
  if (value.includes(']]>')) throw new TemplateValueError(where, 'holds "]]>", which oned refuses');
  if (!value.endsWith('\\')) return `"${value.replaceAll('"', '\\"')}"`;
  if (BARE.test(value)) return value;
  throw new TemplateValueError(where, 'ends with a backslash and holds blanks, quotes or one of =#,[] (no template form keeps it)');
}

/**
 * Writes attributes in OpenNebula template syntax, one per line (vector pairs one per line too,
 * so that nothing after a value shares its line). Throws TemplateValueError rather than write
 * anything oned would read differently.
 */
export function writeTemplate(attrs: readonly TemplateAttr[]): string {
  const lines: string[] = [];
  for (const attr of attrs) {
    checkName(attr.name, attr.name);
    if (!isVector(attr)) {
      lines.push(`${attr.name} = ${writeValue(attr.value, attr.name)}`);
      continue;
    }
    const seen = new Set<string>();
    const pairs = attr.vector.map((p) => {
      const where = `${attr.name}/${p.name}`;
      checkName(p.name, where);
      const key = p.name.toUpperCase();
      if (seen.has(key)) throw new TemplateValueError(where, 'repeated in one vector (oned keeps only the first)');
      seen.add(key);
      return `  ${p.name} = ${writeValue(p.value, where)}`;
    });
    lines.push(pairs.length === 0 ? `${attr.name} = [ ]` : `${attr.name} = [\n${pairs.join(',\n')}\n]`);
  }
  return lines.map((l) => `${l}\n`).join('');
}
