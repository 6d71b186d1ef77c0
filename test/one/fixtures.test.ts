import { describe, expect, it } from 'vitest';
import { validateXml, XmlInvalidError } from '../helpers/xsd';
import { fixture } from './fixture';

/** Every fixture the parsing tests read is a document oned could send: it validates against its XSD. */
const FIXTURES: ReadonlyArray<readonly [string, string]> = [
  ['host.xml', 'host.xsd'],
  ['host_pool.xml', 'host_pool.xsd'],
  ['host_pool_empty.xml', 'host_pool.xsd'],
  ['cluster_pool.xml', 'cluster_pool.xsd'],
  ['cluster_pool_empty.xml', 'cluster_pool.xsd'],
  ['datastore_pool.xml', 'datastore_pool.xsd'],
  ['datastore_pool_empty.xml', 'datastore_pool.xsd'],
  ['vnet.xml', 'vnet.xsd'],
  ['vnet_pool.xml', 'vnet_pool.xsd'],
  ['vnet_pool_empty.xml', 'vnet_pool.xsd'],
  ['vm.xml', 'vm.xsd'],
  ['vm_hold.xml', 'vm.xsd'],
  ['vm_pool.xml', 'vm_pool.xsd'],
  ['vm_pool_extended.xml', 'vm_pool_extended.xsd'],
  ['vm_pool_extended_empty.xml', 'vm_pool_extended.xsd'],
];

describe('test/fixtures/one', () => {
  it.each(FIXTURES)('%s validates against %s', async (file, xsd) => {
    await expect(validateXml(fixture(file), xsd)).resolves.toBeUndefined();
  });

  it('the validator does refuse a document that breaks the XSD', async () => {
    await expect(validateXml('<HOST_POOL><HOST><ID>x</ID></HOST></HOST_POOL>', 'host_pool.xsd')).rejects.toBeInstanceOf(XmlInvalidError);
  });
});
