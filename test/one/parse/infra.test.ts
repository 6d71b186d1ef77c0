import { describe, expect, it } from 'vitest';
import { clusterPoolFromXml, datastorePoolFromXml, vnetFromXml, vnetPoolFromXml } from '../../../lib/one/parse';
import { parseXml, textAt } from '../../../lib/one/xml';
import { fixture } from '../fixture';

describe('clusterPoolFromXml', () => {
  it('maps members and reserved capacity', () => {
    const clusters = clusterPoolFromXml(parseXml(fixture('cluster_pool.xml')));

    expect(clusters.map(({ xml: _xml, ...rest }) => rest)).toEqual([
      { id: 100, name: 'production', hostIds: [0], datastoreIds: [0, 1, 2], vnetIds: [0], reservedCpu: '', reservedMem: '5%' },
      { id: 101, name: 'batch', hostIds: [1, 2], datastoreIds: [100], vnetIds: [0, 1], reservedCpu: '', reservedMem: '' },
    ]);
    expect(textAt(clusters[0]!.xml, 'TEMPLATE', 'QOS')).toBe('GOLD');
    expect(clusterPoolFromXml(parseXml(fixture('cluster_pool_empty.xml')))).toEqual([]);
  });
});

describe('datastorePoolFromXml', () => {
  it('maps type, clusters, space and sharing', () => {
    const datastores = datastorePoolFromXml(parseXml(fixture('datastore_pool.xml')));

    expect(datastores.map(({ xml: _xml, ...rest }) => rest)).toEqual([
      { id: 0, name: 'system', type: 'SYSTEM', clusterIds: [100], totalMb: 102400, freeMb: 90000, usedMb: 12400, shared: true },
      { id: 1, name: 'default', type: 'IMAGE', clusterIds: [100, 101], totalMb: 512000, freeMb: 400000, usedMb: 112000, shared: false },
      { id: 2, name: 'files', type: 'FILE', clusterIds: [100], totalMb: 1024, freeMb: 1000, usedMb: 24, shared: false },
      { id: 100, name: 'batch-local', type: 'SYSTEM', clusterIds: [101], totalMb: 0, freeMb: 0, usedMb: 0, shared: false },
    ]);
    expect(datastorePoolFromXml(parseXml(fixture('datastore_pool_empty.xml')))).toEqual([]);
  });

  it('refuses a datastore type oned does not define', () => {
    const xml = fixture('datastore_pool.xml').replace('<TYPE>1</TYPE>', '<TYPE>7</TYPE>');

    expect(() => datastorePoolFromXml(parseXml(xml))).toThrow(/DATASTORE\/TYPE: unknown datastore type 7/);
  });
});

describe('vnetPoolFromXml / vnetFromXml', () => {
  it('sums the address ranges and reads the leases in use', () => {
    const vnets = vnetPoolFromXml(parseXml(fixture('vnet_pool.xml')));

    expect(vnets.map(({ xml: _xml, ...rest }) => rest)).toEqual([
      { id: 0, name: 'public', clusterIds: [100, 101], size: 128, usedLeases: 3 },
      { id: 1, name: 'storage', clusterIds: [101], size: 0, usedLeases: 0 },
    ]);
    expect(textAt(vnets[1]!.xml, 'TEMPLATE', 'TRAFFIC_TYPE')).toBe('storage');
    expect(vnetPoolFromXml(parseXml(fixture('vnet_pool_empty.xml')))).toEqual([]);
  });

  it('reads the full VNET body of one.vn.info', () => {
    expect(vnetFromXml(parseXml(fixture('vnet.xml')))).toMatchObject({ id: 0, size: 100, usedLeases: 3 });
  });
});
