import { describe, expect, it } from 'vitest';
import { vmFromXml, vmPoolFromXml } from '../../../lib/one/parse';
import { parseXml, textAt } from '../../../lib/one/xml';
import { fixture } from '../fixture';

describe('vmFromXml', () => {
  it('maps a running VM: states, placement, capacity, scheduling attributes, job id', () => {
    // Act
    const vm = vmFromXml(parseXml(fixture('vm.xml')));

    // Assess
    expect(vm).toMatchObject({
      id: 4, name: 'svmsched-job-0001', uid: 2, gid: 1, state: 'ACTIVE', lcmState: 'RUNNING',
      hostId: 0, hostName: 'node-a1', datastoreId: 0, cpu: 0.5, vcpu: 2, memoryMb: 1024,
      schedRequirements: 'HYPERVISOR = "kvm" & QOS = "GOLD" & NOTE = "*<row*"',
      schedRank: '-RUNNING_VMS', schedDsRequirements: 'SPEED = "fast"', schedDsRank: 'FREE_MB',
      automaticRequirements: '(CLUSTER_ID = 100) & !(PUBLIC_CLOUD = YES) & !(PIN_POLICY = PINNED)',
      automaticDsRequirements: '("CLUSTERS/ID" @> 100)', automaticNicRequirements: '("CLUSTERS/ID" @> 100)',
      resched: false, jobId: 'job-0001', stime: 1766390000, etime: 0,
    });
    expect(textAt(vm.xml, 'USER_TEMPLATE', 'ARGS_NOTE')).toBe('a ]]> b & c "d" ʃ 𝄞');
  });

  it('maps disks: system datastore use follows the transfer target, volatile disks always', () => {
    const vm = vmFromXml(parseXml(fixture('vm.xml')));

    expect(vm.disks).toEqual([
      { diskId: 0, imageId: 3, datastoreId: 1, sizeMb: 2252, clone: true },
      { diskId: 1, sizeMb: 1024, clone: true },
    ]);
  });

  it('maps NICs, NETWORK_MODE auto with its own requirements, and the IP leased', () => {
    const vm = vmFromXml(parseXml(fixture('vm.xml')));

    expect(vm.nics).toEqual([
      { nicId: 0, networkId: 0, network: 'public', auto: false, schedRequirements: '', schedRank: '', ip: '192.0.2.10' },
      { nicId: 1, auto: true, schedRequirements: 'TRAFFIC_TYPE = "storage"', schedRank: '-USED_LEASES' },
    ]);
  });

  it('maps a VM on hold: never placed, auto NIC in any case, empty requirement kept empty', () => {
    const vm = vmFromXml(parseXml(fixture('vm_hold.xml')));

    expect(vm).toMatchObject({ id: 9, state: 'HOLD', lcmState: 'LCM_INIT', cpu: 2, vcpu: 1, memoryMb: 4096, jobId: 'job-0002', schedRequirements: '' });
    expect(vm.hostId).toBeUndefined();
    expect(vm.datastoreId).toBeUndefined();
    expect(vm.nics).toEqual([{ nicId: 0, auto: true, schedRequirements: '', schedRank: '' }]);
    expect(vm.disks).toEqual([]);
  });
});

describe('vmFromXml: the exit code a guest recorded through OneGate', () => {
  const withCode = (raw: string, where = 'USER_TEMPLATE') => vmFromXml(parseXml(
    fixture('vm.xml').replace(`<${where}>`, `<${where}><SVMSCHED_EXIT_CODE><![CDATA[${raw}]]></SVMSCHED_EXIT_CODE>`)));

  it('reads USER_TEMPLATE/SVMSCHED_EXIT_CODE as a number 0-255, blanks around it allowed', () => {
    expect(withCode('0').reportedExitCode).toBe(0);
    expect(withCode(' 66').reportedExitCode).toBe(66);
    expect(withCode('255').reportedExitCode).toBe(255);
  });

  it('takes anything else, or a code outside USER_TEMPLATE, as no report', () => {
    for (const raw of ['', '256', '-1', '1.5', 'x', '0x1', '1 2']) expect(withCode(raw).reportedExitCode, raw).toBeUndefined();
    expect(withCode('0', 'TEMPLATE').reportedExitCode).toBeUndefined();
    expect(vmFromXml(parseXml(fixture('vm.xml')))).not.toHaveProperty('reportedExitCode');
  });
});

describe('vmPoolFromXml', () => {
  it('maps the extended pool; the last history record gives the placement', () => {
    const vms = vmPoolFromXml(parseXml(fixture('vm_pool_extended.xml')));

    expect(vms.map((v) => [v.id, v.state, v.lcmState, v.hostId, v.datastoreId, v.resched, v.jobId])).toEqual([
      [9, 'HOLD', 'LCM_INIT', undefined, undefined, false, 'job-0002'],
      [7, 'STOPPED', 'LCM_INIT', 2, 100, true, undefined],
      [4, 'ACTIVE', 'RUNNING', 0, 0, false, 'job-0001'],
    ]);
    // LN_TARGET NONE: a persistent-style link, nothing taken from the system datastore.
    expect(vms[1]!.disks).toEqual([{ diskId: 0, imageId: 0, datastoreId: 1, sizeMb: 8192, clone: false }]);
  });

  it('maps the short body of one.vmpool.info the same way', () => {
    const [full] = vmPoolFromXml(parseXml(fixture('vm_pool_extended.xml'))).filter((v) => v.id === 4);
    const [short] = vmPoolFromXml(parseXml(fixture('vm_pool.xml')));

    const { xml: _a, automaticRequirements: _b, automaticDsRequirements: _c, automaticNicRequirements: _d, disks, nics, ...shortRest } = short!;
    const { xml: _e, automaticRequirements: _f, automaticDsRequirements: _g, automaticNicRequirements: _h, disks: fullDisks, nics: fullNics, ...fullRest } = full!;
    expect(shortRest).toEqual(fullRest);
    expect(disks).toEqual([fullDisks[0]]);
    expect(nics).toEqual([fullNics[0]]);
  });

  it('maps an empty pool to no VMs', () => {
    expect(vmPoolFromXml(parseXml(fixture('vm_pool_extended_empty.xml')))).toEqual([]);
  });
});
