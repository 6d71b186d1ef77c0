import { describe, expect, it } from 'vitest';
import { OneXmlError } from '../../../lib/one/errors';
import { clusterPoolFromXml, hostFromXml, hostPoolFromXml } from '../../../lib/one/parse';
import { at, childrenNamed, parseXml, textAt } from '../../../lib/one/xml';
import { fixture } from '../fixture';

describe('hostFromXml', () => {
  it('maps identity, state, cluster, drivers, HOST_SHARE, reserved capacity and VM ids', () => {
    // Act
    const host = hostFromXml(parseXml(fixture('host.xml')));

    // Assess
    expect(host).toMatchObject({
      id: 0, name: 'node-a1', state: 'MONITORED', clusterId: 100, clusterName: 'production',
      imMad: 'kvm', vmMad: 'kvm', reservedCpu: '100', reservedMem: '10%', vmIds: [4, 7],
    });
    expect(host.share).toEqual({
      totalCpu: 800, totalMem: 16777216, maxCpu: 700, maxMem: 15728640, cpuUsage: 250, memUsage: 3145728,
      runningVms: 2, freeCpu: 612, freeMem: 12582912,
    });
  });

  it('keeps the HOST element with repeated attributes and exact text', () => {
    const host = hostFromXml(parseXml(fixture('host.xml')));

    expect(host.xml.name).toBe('HOST');
    const template = at(host.xml, 'TEMPLATE')!;
    expect(childrenNamed(template, 'GPU').map((g) => g.text)).toEqual(['nvidia-a100', 'nvidia-t4']);
    expect(textAt(template, 'NOTE')).toBe('rack 3 & <row 2>, "quoted" ]]>');
  });

  it('without monitoring, free capacity is what oned has not allocated', () => {
    const [, errored] = hostPoolFromXml(parseXml(fixture('host_pool.xml')));

    expect(errored).toMatchObject({ state: 'ERROR', reservedCpu: '-200', reservedMem: '', vmIds: [] });
    expect(errored!.share.freeCpu).toBe(1600);
    expect(errored!.share.freeMem).toBe(33554432);
  });

  it('appends the cluster TEMPLATE as CLUSTER_TEMPLATE, as oned does for its scheduler', () => {
    // Prepare
    const [production] = clusterPoolFromXml(parseXml(fixture('cluster_pool.xml')));
    const node = parseXml(fixture('host.xml'));

    // Act
    const fromTemplate = hostFromXml(node, at(production!.xml, 'TEMPLATE'));
    const fromCluster = hostFromXml(node, production!.xml);

    // Assess
    const last = fromTemplate.xml.children[fromTemplate.xml.children.length - 1]!;
    expect(last.name).toBe('CLUSTER_TEMPLATE');
    expect(textAt(last, 'QOS')).toBe('GOLD');
    expect(fromCluster.xml).toEqual(fromTemplate.xml);
    expect(node.children.some((c) => c.name === 'CLUSTER_TEMPLATE')).toBe(false);
  });

  it('names the element that breaks the document', () => {
    expect(() => hostFromXml(parseXml('<HOST><ID>1</ID><NAME>x</NAME><STATE>42</STATE></HOST>'))).toThrow(/HOST\/STATE: unknown state 42/);
    expect(() => hostFromXml(parseXml('<HOST><ID>one</ID></HOST>'))).toThrow(OneXmlError);
    expect(() => hostFromXml(parseXml('<VM><ID>1</ID></VM>'))).toThrow(/expected a HOST element/);
  });
});

describe('hostPoolFromXml', () => {
  it('maps every host and gives each its own cluster template', () => {
    // Prepare
    const clusters = clusterPoolFromXml(parseXml(fixture('cluster_pool.xml')));

    // Act
    const hosts = hostPoolFromXml(parseXml(fixture('host_pool.xml')), clusters);

    // Assess
    expect(hosts.map((h) => [h.id, h.state, h.clusterId])).toEqual([[0, 'MONITORED', 100], [1, 'ERROR', 101], [2, 'DISABLED', 101]]);
    expect(hosts.map((h) => textAt(h.xml, 'CLUSTER_TEMPLATE', 'QOS'))).toEqual(['GOLD', 'BRONZE', 'BRONZE']);
  });

  it('maps an empty pool to no hosts', () => {
    expect(hostPoolFromXml(parseXml(fixture('host_pool_empty.xml')))).toEqual([]);
  });
});
