import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASIC_VM, children, SESSION, startTestSim, xml, xpath, type TestSim } from './helpers';

describe('pool and info methods', () => {
  let t: TestSim;
  beforeAll(async () => { t = await startTestSim(); });
  afterAll(async () => { await t.close(); });

  it('lists the default fixture: 2 clusters, 6 hosts, system and image datastores, 2 networks', async () => {
    const hosts = xml(await t.ok('one.hostpool.info', SESSION));
    const clusters = xml(await t.ok('one.clusterpool.info', SESSION));
    const dss = xml(await t.ok('one.datastorepool.info', SESSION));
    const vnets = xml(await t.ok('one.vnpool.info', SESSION, -2, -1, -1));
    expect(children(hosts, 'HOST')).toHaveLength(6);
    expect(children(clusters, 'CLUSTER').length).toBeGreaterThanOrEqual(2);
    expect(children(dss, 'DATASTORE').filter((d) => xpath(d, 'TYPE') === '1')).toHaveLength(2);
    expect(children(dss, 'DATASTORE').some((d) => xpath(d, 'TYPE') === '0')).toBe(true);
    expect(children(vnets, 'VNET')).toHaveLength(2);
  });

  it('lists by descending ID, oned\'s default API_LIST_ORDER', async () => {
    const ids = children(xml(await t.ok('one.hostpool.info', SESSION)), 'HOST').map((h) => Number(xpath(h, 'ID')));
    expect(ids).toEqual([5, 4, 3, 2, 1, 0]);
  });

  it('computes MAX_CPU/MAX_MEM from reserved capacity as HostShare does (host over cluster, %, negative)', async () => {
    const max = async (id: number) => {
      const h = xml(await t.ok('one.host.info', SESSION, id));
      return [Number(xpath(h, 'HOST_SHARE/MAX_CPU')), Number(xpath(h, 'HOST_SHARE/MAX_MEM'))];
    };
    expect(await max(0)).toEqual([800, 16777216]); // nothing reserved
    expect(await max(1)).toEqual([1400, Math.trunc(33554432 * 0.9)]); // 200 absolute, 10 %
    expect(await max(2)).toEqual([4800, 134217728]); // -50 % overcommits
    expect(await max(4)).toEqual([720, 16777216 - 1048576]); // the cluster's reservation
    expect(await max(5)).toEqual([1200, 25165824 - 1048576]); // host RESERVED_CPU = 0 wins, memory from the cluster
  });

  it('answers NO_EXISTS (0x400) with the object name and id', async () => {
    for (const [method, text] of [
      ['one.host.info', 'host'], ['one.cluster.info', 'cluster'], ['one.datastore.info', 'datastore'],
      ['one.vn.info', 'virtual network'], ['one.vm.info', 'virtual machine'],
    ]) {
      expect((await t.call(method, SESSION, 999)).slice(0, 4)).toEqual([false, `[${method}] Error getting ${text} [999].`, 0x400, 999]);
    }
  });

  it('filters the VM pool by state (-2 any, -1 not DONE, n exact), id range and page', async () => {
    // Prepare
    const a = await t.ok<number>('one.vm.allocate', SESSION, BASIC_VM, true);
    const b = await t.ok<number>('one.vm.allocate', SESSION, BASIC_VM, false);
    const c = await t.ok<number>('one.vm.allocate', SESSION, BASIC_VM, true);
    await t.ok('one.vm.action', SESSION, 'terminate', c);
    const ids = async (...p: number[]) => children(xml(await t.ok('one.vmpool.info', SESSION, ...p)), 'VM').map((v) => Number(xpath(v, 'ID')));

    // Act & Assess
    expect(await ids(-2, -1, -1, -2)).toEqual([c, b, a]);
    expect(await ids(-2, -1, -1, -1)).toEqual([b, a]);
    expect(await ids(-2, -1, -1, 2)).toEqual([a]);
    expect(await ids(-2, -1, -1, 6)).toEqual([c]);
    expect(await ids(-2, b, c, -2)).toEqual([c, b]);
    expect(await ids(-2, 0, -2, -2)).toEqual([c, b]);
    expect(await ids(-3, -1, -1, -2)).toEqual([c, b, a]);
    expect((await t.call('one.vmpool.info', SESSION, -2, -1, -1, 99)).slice(0, 3)).toEqual([false, '[one.vmpool.info] Incorrect filter_flag, state', 0x1000]);
    expect((await t.call('one.vmpool.info', SESSION, -5, -1, -1, -2)).slice(0, 3)).toEqual([false, '[one.vmpool.info] Incorrect filter_flag', 0x1000]);
    const extended = xml(await t.ok('one.vmpool.infoextended', SESSION, -2, -1, -1, -1));
    expect(children(extended, 'VM').map((v) => xpath(v, 'TEMPLATE/VMID'))).toEqual([String(b), String(a)]);
  });

  it('reports leases in the extended network pool', async () => {
    // Prepare
    await t.ok('one.vm.allocate', SESSION, `${BASIC_VM}NIC = [ NETWORK = "public" ]\n`, true);

    // Act
    const pool = xml(await t.ok('one.vnpool.infoextended', SESSION, -2, -1, -1));

    // Assess
    const pub = children(pool, 'VNET').find((v) => xpath(v, 'NAME') === 'public')!;
    expect(xpath(pub, 'USED_LEASES')).toBe('1');
    expect(xpath(children(pub, 'AR_POOL/AR')[0], 'LEASES/LEASE/IP')).toBe('192.0.2.100');
  });
});
