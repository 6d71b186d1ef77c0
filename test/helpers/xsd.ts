import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** OpenNebula's schemas, as shipped in its share/doc/xsd. */
/** Beside the repository (../shared), as in every checkout the tests run in. */
export const XSD_DIR = join(__dirname, '../../../shared/reference/opennebula-xsd');
const NAMESPACE = 'http://opennebula.org/XMLSchema';

/** A schema-valid document failed validation; `output` is what xmllint said. */
export class XmlInvalidError extends Error {
  constructor(readonly xsd: string, readonly output: string) {
    super(`XML does not validate against ${xsd}:\n${output}`);
    this.name = 'XmlInvalidError';
  }
}

/**
 * Validates an OpenNebula XML document with `xmllint --schema`. oned sends its documents
 * without a namespace while the schemas have a target namespace, so the root element gets
 * xmlns="http://opennebula.org/XMLSchema" first (as OpenNebula's own README says to).
 * `xsdFile` is a path or a file name inside XSD_DIR ("vm.xsd").
 */
export async function validateXml(xml: string, xsdFile: string): Promise<void> {
  const xsd = isAbsolute(xsdFile) ? xsdFile : join(XSD_DIR, xsdFile);
  const namespaced = xml.replace(/^(\s*(?:<\?xml[^>]*\?>\s*)?<[A-Za-z_][\w.-]*)/, `$1 xmlns="${NAMESPACE}"`);
  const dir = await mkdtemp(join(tmpdir(), 'xsd-'));
  const file = join(dir, 'doc.xml');
  try {
    await writeFile(file, namespaced);
    await new Promise<void>((resolve, reject) => {
      execFile('xmllint', ['--noout', '--schema', xsd, file], { maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) => {
        if (error) reject(new XmlInvalidError(xsd, stderr || error.message));
        else resolve();
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
