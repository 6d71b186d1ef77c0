/**
 * Validates OpenNebula documents against the XSDs with xmllint (Debian's libxml2-utils).
 * oned's answers carry no namespace while the XSDs have a target namespace, so the root
 * element gets it before validation.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const XSD_DIR = '/work/shared/reference/opennebula-xsd';
const NAMESPACE = 'http://opennebula.org/XMLSchema';

export interface XsdResult {
  readonly valid: boolean;
  readonly errors: string;
}

export function validateXml(xml: string, xsdFile: string): XsdResult {
  const withNamespace = xml.replace(/^(\s*(?:<\?xml[^>]*\?>\s*)?<[A-Z_]+)(\s*\/?>)/, `$1 xmlns="${NAMESPACE}"$2`);
  const run = spawnSync('xmllint', ['--noout', '--schema', join(XSD_DIR, xsdFile), '-'], {
    input: withNamespace,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  return { valid: run.status === 0, errors: run.stderr.trim() };
}

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'one');

/** A fixture document of test/fixtures/one. */
export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}
