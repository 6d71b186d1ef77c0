import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isVector, writeTemplate, type TemplateAttr } from '../../../lib/one/template';
import { child } from '../../../lib/one/xml';
import { templateAttrs } from '../template/arbitraries';
import { useSimulator } from './sim';

const ctx = useSimulator();

type Entry = string | Record<string, string>;

/** Attributes by name, each name's entries in order (oned keeps a template as a multimap by name). */
function byName(entries: ReadonlyArray<readonly [string, Entry]>): Map<string, Entry[]> {
  const map = new Map<string, Entry[]>();
  for (const [name, entry] of entries) map.set(name, [...(map.get(name) ?? []), entry]);
  return map;
}

describe('template values survive writeTemplate → ctx.one.vm.allocate → ctx.one.vm.info', () => {
  it('for any value: quotes, backslashes, brackets, $, newlines, non-ASCII', async () => {
    await fc.assert(fc.asyncProperty(templateAttrs, async (generated) => {
      // Prepare: user attributes under their own prefix, beside what a VM needs
      const attrs: TemplateAttr[] = generated.map((a) => ({ ...a, name: `X_${a.name}` }));
      const template = writeTemplate([{ name: 'NAME', value: 'roundtrip' }, { name: 'CPU', value: '0.1' }, { name: 'MEMORY', value: '64' }, ...attrs]);

      // Act
      const id = await ctx.one.vmAllocate(template, true);
      const vm = await ctx.one.vmInfo(id);

      // Assess
      const userTemplate = child(vm.xml!, 'USER_TEMPLATE')!;
      // An empty vector and an empty value are the same XML (<X/>): both compare as ''.
      const got = byName(userTemplate.children.filter((c) => c.name.startsWith('X_')).map((c) => [c.name,
        c.children.length > 0 ? Object.fromEntries(c.children.map((p) => [p.name, p.text])) : c.text] as const));
      const expected = byName(attrs.map((a) => [a.name,
        isVector(a) ? (a.vector.length > 0 ? Object.fromEntries(a.vector.map((p) => [p.name, p.value])) : '') : a.value] as const));
      expect(got).toEqual(expected);
    }), { numRuns: 150 });
  });

  it('for one value holding all of them at once', async () => {
    const value = 'say "hi" \\ [a, b] = #1 $USER ${HOME} `x`\nnext line\té ☃ 𝄞 ]]';
    const template = writeTemplate([{ name: 'CPU', value: '0.1' }, { name: 'MEMORY', value: '64' }, { name: 'ARGS', value },
      { name: 'VEC', vector: [{ name: 'V', value }] }]);

    const vm = await ctx.one.vmInfo(await ctx.one.vmAllocate(template, true));

    expect(child(child(vm.xml!, 'USER_TEMPLATE')!, 'ARGS')?.text).toBe(value);
    expect(child(child(child(vm.xml!, 'USER_TEMPLATE')!, 'VEC')!, 'V')?.text).toBe(value);
  });
});
