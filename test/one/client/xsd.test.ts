import { describe, expect, it } from 'vitest';
import { validateXml } from '../../helpers/xsd';
import { rawDocument, useSimulator, vmTemplate, waitVm } from './sim';

const ctx = useSimulator();

/** Drives one VM into `state` and returns its ID. */
async function vmIn(state: string): Promise<number> {
  const id = await ctx.one.vmAllocate(vmTemplate(`xsd-${state}`, 'NIC = [ NETWORK_ID = "0" ]\nDISK = [ SIZE = "64", TYPE = "fs" ]\nSVMSCHED_JOB_ID = "job-xsd"'), true);
  if (state === 'HOLD') return id;
  if (state === 'PENDING') {
    await ctx.one.vmAction('release', id);
    return id;
  }
  await ctx.one.vmDeploy(id, 1, true);
  await waitVm(ctx.one, id, (vm) => vm.lcmState === 'RUNNING');
  const action = { SUSPENDED: 'suspend', STOPPED: 'stop', POWEROFF: 'poweroff-hard', UNDEPLOYED: 'undeploy-hard', DONE: 'terminate-hard' }[state];
  if (action !== undefined) await ctx.one.vmAction(action as never, id);
  await waitVm(ctx.one, id, (vm) => vm.state === (state === 'RUNNING' ? 'ACTIVE' : state));
  return id;
}

describe('every document the simulator answers validates against the XSDs', () => {
  it('host, host pool, cluster pool, datastore pool, vnet pool', async () => {
    await validateXml(await rawDocument(ctx.sim, 'one.hostpool.info'), 'host_pool.xsd');
    await validateXml(await rawDocument(ctx.sim, 'one.host.info', 1), 'host.xsd');
    await validateXml(await rawDocument(ctx.sim, 'one.clusterpool.info'), 'cluster_pool.xsd');
    await validateXml(await rawDocument(ctx.sim, 'one.datastorepool.info'), 'datastore_pool.xsd');
    await validateXml(await rawDocument(ctx.sim, 'one.vnpool.info', -2, -1, -1), 'vnet_pool.xsd');
  });

  it.each(['HOLD', 'PENDING', 'RUNNING', 'SUSPENDED', 'STOPPED', 'POWEROFF', 'UNDEPLOYED', 'DONE'])('a VM %s, alone and in both pools', async (state) => {
    // Prepare
    const id = await vmIn(state);

    // Act
    const vm = await rawDocument(ctx.sim, 'one.vm.info', id);
    const pool = await rawDocument(ctx.sim, 'one.vmpool.info', -2, id, id, -2);
    const extended = await rawDocument(ctx.sim, 'one.vmpool.infoextended', -2, id, id, -2);

    // Assess
    await validateXml(vm, 'vm.xsd');
    await validateXml(pool, 'vm_pool.xsd');
    await validateXml(extended, 'vm_pool_extended.xsd');
    expect(extended).toContain(`<ID>${id}</ID>`);
  });

  it('empty VM pools', async () => {
    const empty = await rawDocument(ctx.sim, 'one.vmpool.infoextended', -2, -1, -1, 11);

    await validateXml(empty, 'vm_pool_extended.xsd');
    await validateXml(await rawDocument(ctx.sim, 'one.vmpool.info', -2, -1, -1, 11), 'vm_pool.xsd');
    expect(await ctx.one.vmPoolInfoExtended({ state: 'CLONING_FAILURE' })).toEqual([]);
  });
});
