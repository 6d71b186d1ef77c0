import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateXml } from '../helpers/xsd';
import { SESSION, startTestSim, vmStates, waitFor, xml, xpath, type TestSim } from './helpers';

const POOLS: [string, unknown[], string][] = [
  ['one.hostpool.info', [], 'host_pool.xsd'],
  ['one.clusterpool.info', [], 'cluster_pool.xsd'],
  ['one.datastorepool.info', [], 'datastore_pool.xsd'],
  ['one.vnpool.info', [-2, -1, -1], 'vnet_pool.xsd'],
  ['one.vnpool.infoextended', [-2, -1, -1], 'vnet_pool_extended.xsd'],
  ['one.vmpool.info', [-2, -1, -1, -2], 'vm_pool.xsd'],
  ['one.vmpool.infoextended', [-2, -1, -1, -2], 'vm_pool_extended.xsd'],
];

const FULL_VM = `NAME = "xsd <&> \\"vm\\""
CPU = 1.5
VCPU = 2
MEMORY = 1024
DISK = [ IMAGE_ID = 0 ]
DISK = [ SIZE = 512, TYPE = "fs" ]
NIC = [ NETWORK_ID = 0 ]
NIC = [ NETWORK_MODE = "auto" ]
CONTEXT = [ NETWORK = "YES", START_SCRIPT = "echo <]] & \\"quoted\\">" ]
GRAPHICS = [ TYPE = "VNC", LISTEN = "0.0.0.0" ]
OS = [ ARCH = "x86_64" ]
SCHED_ACTION = [ ACTION = "terminate", TIME = "+86400" ]
SCHED_REQUIREMENTS = "HYPERVISOR = \\"kvm\\" & CPUSPEED > 1000"
SVMSCHED_JOB_ID = "job-xsd"
LABELS = [ A = "1", B = "<b>" ]
`;

describe('every document validates against OpenNebula\'s XSDs', () => {
  it('pools are valid when empty', async () => {
    const t = await startTestSim({ fixture: { clusters: [], hosts: [], datastores: [], vnets: [] }, bootScripts: false });
    try {
      for (const [method, params, xsd] of POOLS) await validateXml(await t.ok(method, SESSION, ...params), xsd);
    } finally {
      await t.close();
    }
  });

  describe('with the default fixture', () => {
    let t: TestSim;
    const seen = new Map<string, string>();
    beforeAll(async () => {
      // Phases long enough to catch each transient state by polling.
      t = await startTestSim({ bootScripts: false, timing: { prolog: 250, boot: 250, shutdown: 250, epilog: 250, save: 250, migrate: 250 } });
    });
    afterAll(async () => { await t.close(); });

    /** Runs an action and records the VM document in every state it passes until `target`. */
    async function drive(id: number, action: () => Promise<unknown>, target: [number, number]): Promise<void> {
      await action();
      await waitFor(async () => {
        const doc = await t.ok<string>('one.vm.info', SESSION, id);
        const v = xml(doc);
        const key = `${xpath(v, 'STATE')}/${xpath(v, 'LCM_STATE')}`;
        if (!seen.has(key)) seen.set(key, doc);
        return key === `${target[0]}/${target[1]}`;
      }, `VM ${id} to reach ${target}`);
    }

    it('VMs in every state the simulator reaches, and full pools', async () => {
      const act = (a: string, id: number) => () => t.ok('one.vm.action', SESSION, a, id);
      const id = await t.ok<number>('one.vm.allocate', SESSION, FULL_VM, true);
      await drive(id, async () => undefined, [2, 0]);
      await drive(id, act('release', id), [1, 0]);
      await drive(id, () => t.ok('one.vm.deploy', SESSION, id, 0, true, 0, 'NIC = [ NIC_ID = 1, NETWORK_ID = 1 ]'), [3, 3]);
      await drive(id, act('suspend', id), [5, 0]);
      await drive(id, act('resume', id), [3, 3]);
      await drive(id, act('poweroff', id), [8, 0]);
      await drive(id, act('resume', id), [3, 3]);
      await drive(id, () => t.ok('one.vm.migrate', SESSION, id, 1, false), [3, 3]);
      await drive(id, () => t.ok('one.vm.migrate', SESSION, id, 2, true), [3, 3]);
      await drive(id, async () => t.sim.faults.hostError(2, true), [3, 16]);
      await drive(id, async () => t.sim.faults.hostError(2, false), [3, 3]);
      await drive(id, act('stop', id), [4, 0]);
      await drive(id, act('resume', id), [1, 0]);
      await drive(id, () => t.ok('one.vm.deploy', SESSION, id, 0, true), [3, 3]);
      await drive(id, act('undeploy', id), [9, 0]);
      t.sim.faults.failBoots(1);
      await drive(id, () => t.ok('one.vm.deploy', SESSION, id, 1, true), [3, 47]);
      // The pools hold VMs in many states now.
      for (const [method, params, xsd] of POOLS) await validateXml(await t.ok(method, SESSION, ...params), xsd);
      await drive(id, act('terminate', id), [6, 0]);
      for (const [method, params, xsd] of POOLS.filter(([m]) => m.startsWith('one.vmpool'))) await validateXml(await t.ok(method, SESSION, ...params), xsd);

      for (const [key, doc] of seen) await validateXml(doc, 'vm.xsd').catch((e: Error) => { throw new Error(`state ${key}: ${e.message}`); });
      expect([...seen.keys()]).toEqual(expect.arrayContaining([
        '2/0', '1/0', '3/1', '3/2', '3/3', '3/6', '5/0', '3/21', '3/18', '8/0', '3/20', '3/7', '3/8', '3/35', '3/4',
        '3/16', '3/5', '3/10', '4/0', '3/9', '3/22', '3/29', '3/30', '9/0', '3/31', '3/32', '3/47', '3/23', '6/0',
      ]));
    });

    it('single objects: host, cluster, datastore, network', async () => {
      for (const id of [0, 1, 2, 3, 4, 5]) await validateXml(await t.ok('one.host.info', SESSION, id), 'host.xsd');
      for (const id of [0, 100]) await validateXml(await t.ok('one.cluster.info', SESSION, id), 'cluster.xsd');
      for (const id of [0, 1, 2, 100]) await validateXml(await t.ok('one.datastore.info', SESSION, id), 'datastore.xsd');
      for (const id of [0, 1]) await validateXml(await t.ok('one.vn.info', SESSION, id), 'vnet.xsd');
      expect(await vmStates(t, 0)).toEqual([6, 0]);
    });
  });
});
