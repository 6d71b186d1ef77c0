import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'one');

/** A fixture document of test/fixtures/one (each validates against its XSD: fixtures.test.ts). */
export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}
