import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAST_TIMING } from '../../local/sim';
import { BASIC_VM, SESSION, startTestSim, vmStates, waitFor, xml, xpath, type TestSim } from './helpers';

const RUNNING: [number, number] = [3, 3];
const share = async (t: TestSim, hostId: number) => {
  const h = xml(await t.ok('one.host.info', SESSION, hostId));
  return { cpu: Number(xpath(h, 'HOST_SHARE/CPU_USAGE')), mem: Number(xpath(h, 'HOST_SHARE/MEM_USAGE')), vms: Number(xpath(h, 'HOST_SHARE/RUNNING_VMS')) };
};
const dsFree = async (t: TestSim, dsId: number) => Number(xpath(xml(await t.ok('one.datastore.info', SESSION, dsId)), 'FREE_MB'));
const reach = (t: TestSim, id: number, target: [number, number]) =>
  waitFor(async () => { const s = await vmStates(t, id); return s[0] === target[0] && s[1] === target[1] ? s : undefined; }, `VM ${id} in ${target}`);

describe('VM lifecycle and accounting', () => {
  let t: TestSim;
  beforeEach(async () => { t = await startTestSim({ bootScripts: false }); });
  afterEach(async () => { await t.close(); });

  async function running(hostId = 0, text = `${BASIC_VM}DISK = [ IMAGE_ID = 0 ]\n`): Promise<number> {
    const id = await t.ok<number>('one.vm.allocate', SESSION, text, true);
    await t.ok('one.vm.deploy', SESSION, id, hostId, true, -1);
    await reach(t, id, RUNNING);
    return id;
  }

  it('deploys through PROLOG and BOOT to RUNNING, accounting CPU×100 and MEMORY×1024 on the host and disks on the system DS', async () => {
    // Prepare
    const freeBefore = await dsFree(t, 0);
    const id = await t.ok<number>('one.vm.allocate', SESSION, `NAME = x\nCPU = 0.5\nMEMORY = 512\nDISK = [ IMAGE_ID = 0 ]\n`, true);

    // Act
    await t.ok('one.vm.deploy', SESSION, id, 0, true);
    await reach(t, id, RUNNING);

    // Assess
    expect(await share(t, 0)).toEqual({ cpu: 50, mem: 512 * 1024, vms: 1 });
    expect(await dsFree(t, 0)).toBe(freeBefore - 2252);
    const lcm = t.sim.state.vm(id)!.log.map((l) => `${l.state}/${l.lcmState}`);
    expect(lcm).toEqual(['HOLD/LCM_INIT', 'ACTIVE/PROLOG', 'ACTIVE/BOOT', 'ACTIVE/RUNNING']);
    const vm = xml(await t.ok('one.vm.info', SESSION, id));
    expect([xpath(vm, 'HISTORY_RECORDS/HISTORY/HID'), xpath(vm, 'HISTORY_RECORDS/HISTORY/DS_ID'), xpath(vm, 'TEMPLATE/TM_MAD_SYSTEM')]).toEqual(['0', '0', 'ssh']);
    expect(xml(await t.ok('one.host.info', SESSION, 0)).children.find((c) => c.name === 'VMS')!.children.map((c) => c.text)).toEqual([String(id)]);
  });

  it('keeps the host for SUSPENDED and POWEROFF, frees it for STOPPED and UNDEPLOYED, and on terminate', async () => {
    const id = await running();
    const held = { cpu: 100, mem: 1024 * 1024, vms: 1 };
    const free = { cpu: 0, mem: 0, vms: 0 };

    await t.ok('one.vm.action', SESSION, 'suspend', id);
    await reach(t, id, [5, 0]);
    expect(await share(t, 0)).toEqual(held);
    await t.ok('one.vm.action', SESSION, 'resume', id);
    await reach(t, id, RUNNING);

    await t.ok('one.vm.action', SESSION, 'poweroff', id);
    await reach(t, id, [8, 0]);
    expect(await share(t, 0)).toEqual(held);
    await t.ok('one.vm.action', SESSION, 'resume', id);
    await reach(t, id, RUNNING);

    await t.ok('one.vm.action', SESSION, 'stop', id);
    await reach(t, id, [4, 0]);
    expect(await share(t, 0)).toEqual(free);
    await t.ok('one.vm.action', SESSION, 'resume', id);
    expect(await vmStates(t, id)).toEqual([1, 0]);
    await t.ok('one.vm.deploy', SESSION, id, 1, true); // resumes on another host, same system DS
    await reach(t, id, RUNNING);
    expect(await share(t, 1)).toEqual(held);

    await t.ok('one.vm.action', SESSION, 'undeploy', id);
    await reach(t, id, [9, 0]);
    expect(await share(t, 1)).toEqual(free);
    await t.ok('one.vm.deploy', SESSION, id, 0, true);
    await reach(t, id, RUNNING);

    await t.ok('one.vm.action', SESSION, 'terminate', id);
    await reach(t, id, [6, 0]);
    expect(await share(t, 0)).toEqual(free);

    const path = t.sim.state.vm(id)!.log.map((l) => (l.state === 'ACTIVE' ? l.lcmState : l.state));
    expect(path).toEqual([
      'HOLD', 'PROLOG', 'BOOT', 'RUNNING', 'SAVE_SUSPEND', 'SUSPENDED', 'BOOT_SUSPENDED', 'RUNNING',
      'SHUTDOWN_POWEROFF', 'POWEROFF', 'BOOT_POWEROFF', 'RUNNING', 'SAVE_STOP', 'EPILOG_STOP', 'STOPPED', 'PENDING',
      'PROLOG_RESUME', 'BOOT_STOPPED', 'RUNNING', 'SHUTDOWN_UNDEPLOY', 'EPILOG_UNDEPLOY', 'UNDEPLOYED',
      'PROLOG_UNDEPLOY', 'BOOT_UNDEPLOY', 'RUNNING', 'SHUTDOWN', 'EPILOG', 'DONE',
    ]);
    const vm = xml(await t.ok('one.vm.info', SESSION, id));
    expect(Number(xpath(vm, 'ETIME'))).toBeGreaterThan(0);
  });

  it('holds the host until the epilog ends (oned\'s epilog_success), for terminate and stop alike', async () => {
    // Prepare: a slow epilog, so the VM is seen in it
    await t.close();
    t = await startTestSim({ bootScripts: false, timing: { ...FAST_TIMING, epilog: 400 } });
    const held = { cpu: 100, mem: 1024 * 1024, vms: 1 };
    const free = { cpu: 0, mem: 0, vms: 0 };
    const terminated = await running(0);
    const stopped = await running(1);

    // Act
    await t.ok('one.vm.action', SESSION, 'terminate-hard', terminated);
    await t.ok('one.vm.action', SESSION, 'stop', stopped);
    await reach(t, terminated, [3, 11]); // ACTIVE/EPILOG
    await reach(t, stopped, [3, 10]); // ACTIVE/EPILOG_STOP
    const during = [await share(t, 0), await share(t, 1)];
    await reach(t, terminated, [6, 0]);
    await reach(t, stopped, [4, 0]);

    // Assess
    expect(during).toEqual([held, held]);
    expect([await share(t, 0), await share(t, 1)]).toEqual([free, free]);
  });

  it('enforces capacity on deploy only when asked, and records when a host went past MAX', async () => {
    // node04: 400 CPU, 8 GB. Two 2-CPU VMs fill its CPU.
    const big = `NAME = b\nCPU = 2\nMEMORY = 1024\n`;
    const a = await t.ok<number>('one.vm.allocate', SESSION, big, true);
    const b = await t.ok<number>('one.vm.allocate', SESSION, big, true);
    const c = await t.ok<number>('one.vm.allocate', SESSION, big, true);
    await t.ok('one.vm.deploy', SESSION, a, 3, true);
    await t.ok('one.vm.deploy', SESSION, b, 3, true);

    const refused = await t.call('one.vm.deploy', SESSION, c, 3, true);
    expect(refused.slice(0, 3)).toEqual([false, `[one.vm.deploy] virtual machine [${c}] does not fit in host [3]. Not enough CPU: 200/0`, 0x800]);
    expect(t.sim.state.capacityViolations()).toEqual([]);

    await t.ok('one.vm.deploy', SESSION, c, 3, false);
    expect(t.sim.state.capacityViolations()).toMatchObject([{ hostId: 3, cpuUsage: 600, maxCpu: 400, vmId: c }]);
    expect(t.sim.state.hosts().find((h) => h.id === 3)!.peakCpu).toBe(600);
  });

  it('checks deploy arguments like oned: host, datastore type and cluster, VM state', async () => {
    const id = await t.ok<number>('one.vm.allocate', SESSION, BASIC_VM, true);
    expect((await t.call('one.vm.deploy', SESSION, id, 77, true)).slice(0, 3)).toEqual([false, '[one.vm.deploy] Error getting host [77].', 0x400]);
    expect((await t.call('one.vm.deploy', SESSION, 77, 0, true)).slice(0, 3)).toEqual([false, '[one.vm.deploy] Error getting virtual machine [77].', 0x400]);
    expect((await t.call('one.vm.deploy', SESSION, id, 0, true, 55)).slice(0, 3)).toEqual([false, '[one.vm.deploy] Error getting datastore [55].', 0x400]);
    expect((await t.call('one.vm.deploy', SESSION, id, 0, true, 1)).slice(0, 3)).toEqual([false, '[one.vm.deploy] Trying to use datastore [1] to deploy the VM, but it is not of type system datastore.', 0x2000]);
    expect((await t.call('one.vm.deploy', SESSION, id, 0, true, 100)).slice(0, 3)).toEqual([false, '[one.vm.deploy] datastore [100] and host [0] are not in the same cluster [0].', 0x800]);
    await t.ok('one.vm.deploy', SESSION, id, 4, true); // default system DS of cluster 100
    expect(xpath(xml(await t.ok('one.vm.info', SESSION, id)), 'HISTORY_RECORDS/HISTORY/DS_ID')).toBe('100');
    const again = await t.call('one.vm.deploy', SESSION, id, 0, true);
    expect(again[1]).toMatch(/^\[one\.vm\.deploy\] Deploy action is not available for state (PROLOG|BOOT|RUNNING)$/);
    expect(again[2]).toBe(0x800);
  });

  it('applies the allowed-state rules of one.vm.action', async () => {
    // A soft shutdown that lasts, so that the second terminate surely finds the VM in SHUTDOWN.
    await t.close();
    t = await startTestSim({ bootScripts: false, timing: { ...FAST_TIMING, shutdown: 60_000 } });
    const pending = await t.ok<number>('one.vm.allocate', SESSION, BASIC_VM, false);
    const act = (action: string, id: number) => t.call('one.vm.action', SESSION, action, id);
    expect((await act('stop', pending)).slice(0, 3)).toEqual([false, '[one.vm.action] Error performing action "stop": This action is not available for state PENDING', 0x800]);
    expect((await act('release', pending)).slice(0, 3)).toEqual([false, '[one.vm.action] Error performing action "release": This action is not available for state PENDING', 0x800]);
    expect((await act('fly', pending)).slice(0, 3)).toEqual([false, '[one.vm.action] Action "fly" is not supported', 0x800]);
    expect((await act('hold', 555)).slice(0, 4)).toEqual([false, '[one.vm.action] Error getting virtual machine [555].', 0x400, 555]);
    expect(await act('hold', pending)).toEqual([true, pending, 0]);
    expect(await vmStates(t, pending)).toEqual([2, 0]);
    expect(await act('release', pending)).toEqual([true, pending, 0]);
    expect(await vmStates(t, pending)).toEqual([1, 0]);

    const id = await running();
    expect(await act('resched', id)).toEqual([true, id, 0]);
    expect(xpath(xml(await t.ok('one.vm.info', SESSION, id)), 'RESCHED')).toBe('1');
    expect(await act('unresched', id)).toEqual([true, id, 0]);
    expect(xpath(xml(await t.ok('one.vm.info', SESSION, id)), 'RESCHED')).toBe('0');
    expect((await act('resume', id)).slice(0, 3)).toEqual([false, '[one.vm.action] Error performing action "resume": This action is not available for state RUNNING', 0x800]);

    await act('terminate', id);
    expect((await act('terminate', id)).slice(0, 3)).toEqual([false, `[one.vm.action] Error performing action "terminate": Could not terminate VM ${id}, wrong state SHUTDOWN.`, 0x800]);
    expect(await act('terminate-hard', id)).toEqual([true, id, 0]);
    await reach(t, id, [6, 0]);
    expect(await act('terminate', id)).toEqual([true, id, 0]); // DONE: nothing to do, oned says yes
    expect(await act('terminate', pending)).toEqual([true, pending, 0]);
    expect(await vmStates(t, pending)).toEqual([6, 0]);
  });

  it('migrates cold and live, moving the accounting between hosts, and checks the target', async () => {
    const id = await running(0, `${BASIC_VM}DISK = [ IMAGE_ID = 0 ]\nNIC = [ NETWORK_ID = 1 ]\n`);
    const mig = (...p: unknown[]) => t.call('one.vm.migrate', SESSION, id, ...p);
    expect((await mig(0, false)).slice(0, 3)).toEqual([false, '[one.vm.migrate] VM is already running on host [0]', 0x800]);
    expect((await mig(4, false)).slice(0, 3)).toEqual([false, `[one.vm.migrate] Cannot migrate  VM [${id}] to host [4]. Host is in cluster [100], and VM requires to be placed on cluster [0]`, 0x800]);

    expect(await mig(1, false)).toEqual([true, id, 0]);
    await reach(t, id, RUNNING);
    expect([await share(t, 0), await share(t, 1)]).toEqual([{ cpu: 0, mem: 0, vms: 0 }, { cpu: 100, mem: 1048576, vms: 1 }]);
    expect(await mig(2, true)).toEqual([true, id, 0]);
    await reach(t, id, RUNNING);
    expect((await share(t, 1)).vms).toBe(0);
    expect((await share(t, 2)).vms).toBe(1);
    const path = t.sim.state.vm(id)!.log.map((l) => l.lcmState);
    expect(path.slice(4)).toEqual(['SAVE_MIGRATE', 'PROLOG_MIGRATE', 'BOOT_MIGRATE', 'RUNNING', 'MIGRATE', 'RUNNING']);
    expect(xml(await t.ok('one.vm.info', SESSION, id)).children.find((c) => c.name === 'HISTORY_RECORDS')!.children).toHaveLength(3);

    await t.ok('one.vm.action', SESSION, 'poweroff', id);
    await reach(t, id, [8, 0]);
    expect(await mig(0, false)).toEqual([true, id, 0]);
    await reach(t, id, [8, 0]);
    expect((await share(t, 0)).vms).toBe(1);

    await t.ok('one.vm.action', SESSION, 'undeploy', id);
    await reach(t, id, [9, 0]);
    expect((await mig(1, false)).slice(0, 3)).toEqual([false, '[one.vm.migrate] Migrate action is not available for state UNDEPLOYED', 0x800]);
  });

  it('takes the scheduler\'s network for NETWORK_MODE = "auto" NICs from the deploy template', async () => {
    const id = await t.ok<number>('one.vm.allocate', SESSION, `${BASIC_VM}NIC = [ NETWORK_MODE = "auto" ]\n`, true);
    const missing = await t.call('one.vm.deploy', SESSION, id, 0, true, 0, 'NIC = [ NIC_ID = 5, NETWORK_ID = 0 ]');
    expect(missing.slice(0, 3)).toEqual([false, '[one.vm.deploy] Cannot get network for automatic NIC 0: the deploy template has no NIC with NIC_ID = 0.', 0x800]);
    await t.ok('one.vm.deploy', SESSION, id, 0, true, 0, 'NIC = [ NIC_ID = 0, NETWORK_ID = 1 ]');
    const vm = xml(await t.ok('one.vm.info', SESSION, id));
    expect([xpath(vm, 'TEMPLATE/NIC/NETWORK_ID'), xpath(vm, 'TEMPLATE/NIC/NETWORK_MODE'), xpath(vm, 'TEMPLATE/NIC/IP')]).toEqual(['1', 'auto', '192.0.2.100']);
  });

  it('fires SCHED_ACTION terminate at its TIME (relative to STIME)', async () => {
    const id = await t.ok<number>('one.vm.allocate', SESSION, `${BASIC_VM}SCHED_ACTION = [ ACTION = "terminate-hard", TIME = "+1" ]\n`, true);
    await t.ok('one.vm.deploy', SESSION, id, 0, true);
    const vm = xml(await t.ok('one.vm.info', SESSION, id));
    expect([xpath(vm, 'TEMPLATE/SCHED_ACTION/ACTION'), xpath(vm, 'SCHED_ACTIONS/ID')]).toEqual(['terminate-hard', '0']);
    await reach(t, id, [6, 0]);
    const done = xml(await t.ok('one.vm.info', SESSION, id));
    // As oned 7 shows a VM that is DONE: the action's id is kept, the action itself is gone.
    expect([xpath(done, 'SCHED_ACTIONS/ID'), xpath(done, 'TEMPLATE/SCHED_ACTION/ACTION')]).toEqual(['0', undefined]);
    expect((await t.call('one.vm.allocate', SESSION, `${BASIC_VM}SCHED_ACTION = [ ACTION = "explode", TIME = "+1" ]\n`, true))[2]).toBe(0x4000);
  });

  it('adds and deletes scheduled actions at run time (one.vm.schedadd / one.vm.scheddelete)', async () => {
    const id = await t.ok<number>('one.vm.allocate', SESSION, BASIC_VM, true);
    await t.ok('one.vm.deploy', SESSION, id, 0, true);
    await reach(t, id, [3, 3]); // terminate-hard is refused while the VM still boots, as oned refuses it
    const far = await t.ok<number>('one.vm.schedadd', SESSION, id, 'SCHED_ACTION = [ ACTION = "terminate-hard", TIME = "+3600" ]');
    expect(await t.ok('one.vm.scheddelete', SESSION, id, far)).toBe(id);
    expect((await t.call('one.vm.scheddelete', SESSION, id, far)).slice(0, 1)).toEqual([false]);
    await t.ok('one.vm.schedadd', SESSION, id, `SCHED_ACTION = [ ACTION = "terminate-hard", TIME = "${Math.floor(Date.now() / 1000)}" ]`);
    await reach(t, id, [6, 0]);
    expect((await t.call('one.vm.schedadd', SESSION, id, 'NOT_A_SCHED = 1'))[0]).toBe(false);
  });

  it('reports two VMs of one job that ran at the same time', async () => {
    const job = `${BASIC_VM}SVMSCHED_JOB_ID = "job-7"\n`;
    const a = await running(0, job);
    expect(t.sim.state.jobOverlaps()).toEqual([]);
    const b = await running(1, job);
    expect(t.sim.state.jobOverlaps()).toMatchObject([{ jobId: 'job-7', vmIds: [a, b] }]);
    expect(t.sim.state.jobOverlaps('placed')).toHaveLength(1);
  });
});
