import { describe, expect, it } from 'vitest';
import { OneError } from '../../../lib/one/errors';
import { clientOf, useSimulator, vmTemplate, waitVm } from './sim';

const ctx = useSimulator();

async function hostNamed(name: string): Promise<number> {
  return (await ctx.one.hostPoolInfo()).find((h) => h.name === name)!.id;
}

describe('XmlRpcOneClient changes against the simulator', () => {
  it('allocate on hold, deploy with enforce, the host accounts the VM, terminate frees it', async () => {
    // Prepare
    const hostId = await hostNamed('node02');
    const before = await ctx.one.hostInfo(hostId);

    // Act
    const id = await ctx.one.vmAllocate(vmTemplate('life', 'SVMSCHED_JOB_ID = "job-life"'), true);
    const held = await ctx.one.vmInfo(id);
    await ctx.one.vmDeploy(id, hostId, true, 0);
    const running = await waitVm(ctx.one, id, (vm) => vm.lcmState === 'RUNNING');
    const during = await ctx.one.hostInfo(hostId);
    await ctx.one.vmAction('terminate-hard', id);
    const done = await waitVm(ctx.one, id, (vm) => vm.state === 'DONE');
    const after = await ctx.one.hostInfo(hostId);

    // Assess
    expect(held).toMatchObject({ state: 'HOLD', lcmState: 'LCM_INIT', jobId: 'job-life' });
    expect(held.hostId).toBeUndefined();
    expect(running).toMatchObject({ state: 'ACTIVE', hostId, hostName: 'node02', datastoreId: 0 });
    expect(during.share.cpuUsage - before.share.cpuUsage).toBe(100);
    expect(during.share.memUsage - before.share.memUsage).toBe(512 * 1024);
    expect(during.vmIds).toContain(id);
    expect(done.etime).toBeGreaterThan(0);
    expect(after.share.cpuUsage).toBe(before.share.cpuUsage);
  });

  it('release from hold, suspend and resume, stop and deploy again, terminate', async () => {
    const hostId = await hostNamed('node03');
    const id = await ctx.one.vmAllocate(vmTemplate('actions'), true);
    await ctx.one.vmAction('release', id);
    expect((await ctx.one.vmInfo(id)).state).toBe('PENDING');
    await ctx.one.vmDeploy(id, hostId, true);
    await waitVm(ctx.one, id, (vm) => vm.lcmState === 'RUNNING');

    await ctx.one.vmAction('suspend', id);
    expect((await waitVm(ctx.one, id, (vm) => vm.state === 'SUSPENDED')).hostId).toBe(hostId);
    await ctx.one.vmAction('resume', id);
    await waitVm(ctx.one, id, (vm) => vm.lcmState === 'RUNNING');
    await ctx.one.vmAction('stop', id);
    await waitVm(ctx.one, id, (vm) => vm.state === 'STOPPED');
    await ctx.one.vmDeploy(id, hostId, true);
    await waitVm(ctx.one, id, (vm) => vm.lcmState === 'RUNNING');
    await ctx.one.vmAction('terminate', id);
    await waitVm(ctx.one, id, (vm) => vm.state === 'DONE');
  });

  it('migrate live moves a running VM, and its last history record follows', async () => {
    const from = await hostNamed('node01');
    const to = await hostNamed('node02');
    const id = await ctx.one.vmAllocate(vmTemplate('migrate'), true);
    await ctx.one.vmDeploy(id, from, true, 0);
    await waitVm(ctx.one, id, (vm) => vm.lcmState === 'RUNNING');

    await ctx.one.vmMigrate(id, to, true, true);
    const moved = await waitVm(ctx.one, id, (vm) => vm.lcmState === 'RUNNING' && vm.hostId === to);

    expect(moved.hostName).toBe('node02');
    await ctx.one.vmAction('terminate-hard', id);
  });

  it('resched and unresched set the RESCHED flag', async () => {
    const id = await ctx.one.vmAllocate(vmTemplate('resched'), true);
    await ctx.one.vmDeploy(id, await hostNamed('node03'), true);
    await waitVm(ctx.one, id, (vm) => vm.lcmState === 'RUNNING');

    await ctx.one.vmAction('resched', id);
    expect((await ctx.one.vmInfo(id)).resched).toBe(true);
    await ctx.one.vmAction('unresched', id);
    expect((await ctx.one.vmInfo(id)).resched).toBe(false);
    await ctx.one.vmAction('terminate-hard', id);
  });
});

describe('OpenNebula errors', () => {
  it('a wrong password is AUTHENTICATION', async () => {
    const stranger = clientOf(ctx.sim, { session: 'oneadmin:wrong' });
    try {
      await expect(stranger.hostPoolInfo()).rejects.toMatchObject({ name: 'OneError', codeName: 'AUTHENTICATION', code: 0x100 });
    } finally {
      stranger.close();
    }
  });

  it('a VM that does not exist is NO_EXISTS, with oned\'s message', async () => {
    const error = await ctx.one.vmInfo(987654).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OneError);
    expect(error).toMatchObject({ codeName: 'NO_EXISTS', method: 'one.vm.info' });
    expect((error as OneError).oneMessage).toMatch(/^\[one\.vm\.info\]/);
  });

  it('an action the state does not allow is ACTION', async () => {
    const id = await ctx.one.vmAllocate(vmTemplate('wrong-state'), true);

    await expect(ctx.one.vmAction('resume', id)).rejects.toMatchObject({ codeName: 'ACTION' });
    await expect(ctx.one.vmMigrate(id, 0, true, true)).rejects.toMatchObject({ codeName: 'ACTION' });
  });

  it('deploy with enforce over the host capacity is refused; without enforce it overcommits', async () => {
    const small = await hostNamed('node04');
    const big = await ctx.one.vmAllocate('NAME = "too-big"\nCPU = "64"\nMEMORY = "1048576"\n', true);

    const error = await ctx.one.vmDeploy(big, small, true).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'OneError', codeName: 'ACTION' });
    expect((await ctx.one.vmInfo(big)).state).toBe('HOLD');
    await ctx.one.vmDeploy(big, small, false);
    expect((await waitVm(ctx.one, big, (vm) => vm.lcmState === 'RUNNING')).hostId).toBe(small);
    await ctx.one.vmAction('terminate-hard', big);
  });

  it('a template oned cannot parse is refused at allocate', async () => {
    await expect(ctx.one.vmAllocate('NAME = "unterminated\nCPU = 1', true)).rejects.toMatchObject({ name: 'OneError' });
  });

  it('an unknown VM action is refused before any call', async () => {
    await expect(ctx.one.vmAction('explode' as never, 1)).rejects.toBeInstanceOf(TypeError);
  });
});
