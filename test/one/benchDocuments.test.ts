import { describe, expect, it } from 'vitest';
import { hostPoolXml, vmPoolXml } from '../../bench/one.bench';
import { hostPoolFromXml, vmPoolFromXml } from '../../lib/one/parse';
import { parseXml } from '../../lib/one/xml';
import { validateXml } from '../helpers/xsd';

/** The benchmark measures documents oned could send: its generated pools validate against the XSDs. */
describe('bench/one.bench.ts documents', () => {
  it('the host pool validates against host_pool.xsd and maps', async () => {
    const xml = hostPoolXml(12);

    await validateXml(xml, 'host_pool.xsd');
    expect(hostPoolFromXml(parseXml(xml))).toHaveLength(12);
  });

  it('the VM pool validates against vm_pool_extended.xsd and maps', async () => {
    const xml = vmPoolXml(20, 12);

    await validateXml(xml, 'vm_pool_extended.xsd');
    const vms = vmPoolFromXml(parseXml(xml));
    expect(vms).toHaveLength(20);
    expect(vms.filter((v) => v.state === 'PENDING')).toHaveLength(2);
  });
});
