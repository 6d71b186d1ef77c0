import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigInvalidError, parseConfig, type SvmschedConfig } from '../../lib/config';
import { minimalXml } from './xml';

/** The loader either returns a configuration that keeps its invariants or throws ConfigInvalidError naming an element: nothing else. */
function assessOutcome(xml: string): void {
  let config: SvmschedConfig;
  try {
    config = parseConfig(xml, {});
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigInvalidError);
    const { element, reason, message } = error as ConfigInvalidError;
    expect(element.startsWith('/')).toBe(true);
    expect(message).toBe(`${element}: ${reason}`);
    return;
  }
  const repositories = new Set(config.repositories.map((r) => r.id));
  for (const s of config.services) {
    expect(s.defaultVcpu).toBeLessThanOrEqual(s.maxVcpu);
    expect(s.defaultMemory).toBeLessThanOrEqual(s.maxMemory);
    expect(s.repositories.every((id) => repositories.has(id))).toBe(true);
  }
  expect(Object.isFrozen(config)).toBe(true);
}

const NAMES = [
  'svmsched', 'opennebula', 'endpoint', 'user', 'password', 'scheduling', 'host', 'datastore', 'nic', 'policy', 'rank',
  'maxHost', 'preemption', 'jobs', 'retentionDays', 'callbackBaseUrl', 'repositories', 'repository', 'id', 'export',
  'mountPoint', 'localPath', 'services', 'service', 'image', 'executable', 'arguments', 'argument', 'maxVcpu',
  'defaultVcpu', 'maxMemory', 'networks', 'network', 'mode', 'vnet', 'requirements', 'preemptMode', 'x', 'a-b',
];
const TEXTS = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', ' ', '0', '-1', '1e3', '4', '2048', 'true', 'no', 'auto', 'stop', 'custom', 'http://h/RPC2', 'n:/x', '/data',
    '&amp;', '&lt;', '&#65;', '&#0;', '&foo;', 'CPU &gt; 2', '<![CDATA[<x>]]>', 'ubuntu-24.04', 'data'),
);
const escapeXml = (s: string) => s.replace(/&(?![a-z#0-9]+;)/gi, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** Random element trees over the configuration's own vocabulary, so that conversion and validation are reached. */
const { element } = fc.letrec<{ element: string }>((tie) => ({
  element: fc.tuple(
    fc.constantFrom(...NAMES),
    fc.array(fc.tuple(fc.constantFrom(...NAMES), TEXTS), { maxLength: 2 }),
    fc.oneof(
      { weight: 2, arbitrary: TEXTS.map((t) => (t.startsWith('<![CDATA[') || /&[a-z#0-9]+;/i.test(t) ? t : escapeXml(t))) },
      { weight: 3, arbitrary: fc.array(tie('element'), { maxLength: 4 }).map((children) => children.join('')) },
    ),
  ).map(([name, attrs, body]) => {
    const unique = [...new Map(attrs).entries()].map(([k, v]) => ` ${k}="${escapeXml(v)}"`).join('');
    return `<${name}${unique}>${body}</${name}>`;
  }),
}));

describe('parseConfig under arbitrary input', () => {
  it('throws nothing but ConfigInvalidError for arbitrary strings', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), assessOutcome), { numRuns: 1000 });
  });

  it('throws nothing but ConfigInvalidError for arbitrary element trees', () => {
    fc.assert(fc.property(element.map((e) => `<svmsched>${e}</svmsched>`), assessOutcome), { numRuns: 1000 });
  });

  it('throws nothing but ConfigInvalidError for a valid file with a piece cut out or put in', () => {
    const valid = minimalXml({ service: '<networks><network mode="auto"/></networks><arguments><argument>-v</argument></arguments>' });
    const edits = fc.tuple(fc.nat({ max: valid.length }), fc.nat({ max: 40 }), fc.oneof(fc.string(), element));
    fc.assert(fc.property(edits, ([at, cut, insert]) => assessOutcome(valid.slice(0, at) + insert + valid.slice(at + cut))), { numRuns: 1000 });
  });
});
