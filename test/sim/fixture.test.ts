import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFixture, startSimulator } from '../../local/sim';
import { FixtureInvalidError } from '../../local/sim/errors';
import { validateXml } from '../helpers/xsd';
import { BASIC_VM, SESSION, startTestSim, xml, xpath } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'sim-fixture-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fixtures', () => {
  it('loads the default fixture: ≥2 clusters, 6 hosts, 2 system datastores, an image datastore with base images, 2 networks', () => {
    const f = loadFixture();
    expect(f.clusters.length).toBeGreaterThanOrEqual(2);
    expect(f.hosts).toHaveLength(6);
    expect(f.datastores.filter((d) => d.type === 'SYSTEM')).toHaveLength(2);
    expect(f.images?.map((i) => i.name)).toEqual(expect.arrayContaining(['ubuntu-24.04', 'debian-12']));
    expect(f.vnets).toHaveLength(2);
  });

  it('reads YAML, with vector and repeated template attributes, and serves them', async () => {
    // Prepare
    const file = join(dir, 'cloud.yaml');
    writeFileSync(file, [
      'listOrder: ASC',
      'clusters: [{ id: 3, name: c3, template: { QOS: silver } }]',
      'hosts:',
      '  - { id: 7, name: n7, cluster: 3, totalCpu: 200, totalMem: 2097152, state: OFFLINE,',
      '      template: { PCI_HINT: { VENDOR: "10de" }, TAG: [a, b] } }',
      '  - { id: 8, name: n8, cluster: 3, totalCpu: 200, totalMem: 2097152 }',
      'datastores: [{ id: 0, name: sys, type: SYSTEM, clusters: [3], totalMb: 1000 }]',
      'vnets: []',
    ].join('\n'));

    // Act
    const sim = await startSimulator({ fixture: file, bootScripts: false });
    const t = await startTestSim({ fixture: file, bootScripts: false });
    await sim.close();
    try {
      const pool = await t.ok<string>('one.hostpool.info', SESSION);
      const id = await t.ok<number>('one.vm.allocate', SESSION, BASIC_VM, true);
      const offline = await t.call('one.vm.deploy', SESSION, id, 7, false);

      // Assess
      await validateXml(pool, 'host_pool.xsd');
      const host = xml(pool).children[0];
      expect([xpath(host, 'ID'), xpath(host, 'STATE'), xpath(host, 'TEMPLATE/PCI_HINT/VENDOR')]).toEqual(['7', '8', '10de']);
      expect(host.children.find((c) => c.name === 'TEMPLATE')!.children.filter((c) => c.name === 'TAG').map((c) => c.text)).toEqual(['a', 'b']);
      expect(offline.slice(0, 3)).toEqual([false, '[one.vm.deploy] Host is offline, cannot use it to deploy VM', 0x800]);
      expect(await t.call('one.vm.deploy', SESSION, id, 8, false)).toEqual([true, id, 0]);
    } finally {
      await t.close();
    }
  });

  it('refuses a fixture with a dangling reference or a repeated id, naming it', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ clusters: [{ id: 0, name: 'c' }], hosts: [{ id: 0, name: 'h', cluster: 9, totalCpu: 100, totalMem: 1 }], datastores: [], vnets: [] }));
    expect(() => loadFixture(bad)).toThrow(FixtureInvalidError);
    expect(() => loadFixture(bad)).toThrow('host h: cluster 9 does not exist');
    writeFileSync(bad, JSON.stringify({ clusters: [{ id: 0, name: 'c' }, { id: 0, name: 'd' }], hosts: [], datastores: [], vnets: [] }));
    expect(() => loadFixture(bad)).toThrow('cluster id 0 appears twice');
    writeFileSync(bad, '{ not json');
    expect(() => loadFixture(bad)).toThrow(/not JSON/);
  });
});
