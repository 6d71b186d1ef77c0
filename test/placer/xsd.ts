/** XSD validation with xmllint (libxml2-utils). oned's documents carry no namespace; the XSDs have one, so it is added for the check. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const XSD_DIR = join(__dirname, '../../../shared/reference/opennebula-xsd');

export function xmllintAvailable(): boolean {
  return spawnSync('xmllint', ['--version']).status === 0;
}

export function validate(xml: string, xsd: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'svmsched-placer-'));
  const file = join(dir, 'doc.xml');
  writeFileSync(file, xml.replace(/<([A-Z_]+)>/, '<$1 xmlns="http://opennebula.org/XMLSchema">'));
  const r = spawnSync('xmllint', ['--noout', '--schema', join(XSD_DIR, xsd), file], { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}
