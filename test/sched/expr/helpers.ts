import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseXml } from '../../../lib/one/xml';
import type { XmlNode } from '../../../lib/sched/snapshot';
import type { AttrLookup } from '../../../lib/sched/expr';

/** A lookup over plain values: each name maps to its values in document order. */
export function mapLookup(values: Record<string, string | readonly string[]>): AttrLookup {
  return (attr) => {
    const v = values[attr];
    return v === undefined ? [] : typeof v === 'string' ? [v] : v;
  };
}

export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/expr/${name}`, import.meta.url));
}

export function fixtureXml(name: string): XmlNode {
  return parseXml(readFileSync(fixturePath(name), 'utf8'));
}

export function fixtureJson<T>(name: string): T {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8')) as T;
}
