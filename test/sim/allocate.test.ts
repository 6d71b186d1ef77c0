import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isVector, writeTemplate, type TemplateAttr } from '../../lib/one/template';
import type { XmlElement } from '../../local/sim/xml';
import { templateAttrs } from '../one/template/arbitraries';
import { BASIC_VM, children, SESSION, startTestSim, vmStates, xml, xpath, type TestSim } from './helpers';

/** Attributes oned moves out of USER_TEMPLATE or interprets; the round trip uses the others. */
const INTERPRETED = /^(NAME|CPU|VCPU|MEMORY|DISK|NIC|NIC_ALIAS|PCI|CONTEXT|OS|GRAPHICS|INPUT|RAW|FEATURES|TOPOLOGY|VMGROUP|NUMA_NODE|NIC_DEFAULT|SPICE_OPTIONS|HYPERV_OPTIONS|SECURITY_GROUP_RULE|SCHED_ACTION|SUBMIT_ON_HOLD|TEMPLATE_ID|EMULATOR|CPU_COST|MEMORY_COST|DISK_COST|MEMORY_MAX|MEMORY_SLOTS|MEMORY_RESIZE_MODE|VCPU_MAX|AUTOMATIC_.*|VMID|TM_MAD_SYSTEM)$/;

/** USER_TEMPLATE back as attributes, the way oned orders them (by name; vector keys by name). */
function fromXml(template: XmlElement): TemplateAttr[] {
  return template.children.map((c) => (c.children.length > 0
    ? { name: c.name, vector: c.children.map((p) => ({ name: p.name, value: p.text })) }
    : { name: c.name, value: c.text }));
}

function onedOrder(attrs: TemplateAttr[]): TemplateAttr[] {
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return attrs
    .map((a) => (isVector(a) ? { name: a.name, vector: [...a.vector].sort(byName) } : a))
    .map((a, i) => ({ a, i }))
    .sort((x, y) => byName(x.a, y.a) || x.i - y.i)
    .map((x) => x.a)
    // An empty vector has no children in XML: it reads back as an empty value, as in oned.
    .map((a) => (isVector(a) && a.vector.length === 0 ? { name: a.name, value: '' } : a));
}

describe('one.vm.allocate', () => {
  let t: TestSim;
  beforeAll(async () => { t = await startTestSim({ bootScripts: false }); });
  afterAll(async () => { await t.close(); });

  it('gives back every user value unchanged through one.vm.info (writeTemplate → oned parser → XML)', async () => {
    await fc.assert(
      fc.asyncProperty(templateAttrs.map((attrs) => attrs.filter((a) => !INTERPRETED.test(a.name))), async (attrs) => {
        // Act
        const id = await t.ok<number>('one.vm.allocate', SESSION, `${writeTemplate(attrs)}CPU = "1"\nMEMORY = "64"\n`, true);
        const user = xml(await t.ok('one.vm.info', SESSION, id)).children.find((c) => c.name === 'USER_TEMPLATE')!;

        // Assess
        expect(fromXml(user)).toEqual(onedOrder(attrs));
      }),
      { numRuns: 150 },
    );
  });

  it('allocates in HOLD with hold=true, PENDING otherwise, and on hold with SUBMIT_ON_HOLD', async () => {
    const held = await t.ok<number>('one.vm.allocate', SESSION, BASIC_VM, true);
    const pending = await t.ok<number>('one.vm.allocate', SESSION, BASIC_VM);
    const submit = await t.ok<number>('one.vm.allocate', SESSION, `${BASIC_VM}SUBMIT_ON_HOLD = "YES"\n`, false);
    expect(await vmStates(t, held)).toEqual([2, 0]);
    expect(await vmStates(t, pending)).toEqual([1, 0]);
    expect(await vmStates(t, submit)).toEqual([2, 0]);
  });

  it('validates CPU, MEMORY and VCPU like oned (ALLOCATE 0x4000)', async () => {
    const cases: [string, string][] = [
      ['CPU = 1\n', 'MEMORY attribute must be a positive integer value.'],
      ['CPU = 1\nMEMORY = 0\n', 'MEMORY attribute must be a positive integer value.'],
      ['CPU = 1\nMEMORY = 1.5\n', 'MEMORY attribute must be a positive integer value.'],
      ['MEMORY = 128\n', 'CPU attribute must be a positive float or integer value.'],
      ['MEMORY = 128\nCPU = -1\n', 'CPU attribute must be a positive float or integer value.'],
      ['MEMORY = 128\nCPU = 1\nVCPU = 0.5\n', 'VCPU attribute must be a positive integer value.'],
    ];
    for (const [text, message] of cases) {
      expect((await t.call('one.vm.allocate', SESSION, text, true)).slice(0, 3), text)
        .toEqual([false, `[one.vm.allocate] Error allocating a new virtual machine. ${message}`, 0x4000]);
    }
  });

  it('reports template syntax errors as INTERNAL (0x2000) "Parse error"', async () => {
    const r = await t.call('one.vm.allocate', SESSION, 'CPU = 1\nMEMORY 1024\n', true);
    expect(r[0]).toBe(false);
    expect(r[1]).toMatch(/^\[one\.vm\.allocate\] Parse error: syntax error, unexpected VARIABLE, expecting EQUAL/);
    expect(r[2]).toBe(0x2000);
    expect((await t.call('one.vm.allocate', SESSION, 'A = "]]>"\nCPU = 1\nMEMORY = 8\n', true)).slice(0, 3))
      .toEqual([false, '[one.vm.allocate] Parse error.', 0x2000]);
  });

  it('resolves images and networks, takes leases and sets AUTOMATIC_*_REQUIREMENTS from their clusters', async () => {
    // Act
    const id = await t.ok<number>('one.vm.allocate', SESSION,
      `${BASIC_VM}DISK = [ IMAGE = "debian-12" ]\nDISK = [ SIZE = 1024, TYPE = fs ]\nNIC = [ NETWORK_ID = 1 ]\nNIC = [ NETWORK_MODE = "auto" ]\nSCHED_REQUIREMENTS = "CPUSPEED > 1000"\nSVMSCHED_JOB_ID = "job-42"\n`, true);
    const vm = xml(await t.ok('one.vm.info', SESSION, id));

    // Assess
    expect(xpath(vm, 'TEMPLATE/AUTOMATIC_REQUIREMENTS')).toBe('(CLUSTER_ID = 0) & !(PIN_POLICY = PINNED)');
    expect(xpath(vm, 'TEMPLATE/AUTOMATIC_DS_REQUIREMENTS')).toBe('("CLUSTERS/ID" @> 0)');
    expect(xpath(vm, 'TEMPLATE/AUTOMATIC_NIC_REQUIREMENTS')).toBe('("CLUSTERS/ID" @> 0)');
    const disks = children(vm, 'TEMPLATE/DISK');
    expect(disks.map((d) => [xpath(d, 'DISK_ID'), xpath(d, 'IMAGE_ID'), xpath(d, 'SIZE')])).toEqual([['0', '1', '2048'], ['1', undefined, '1024']]);
    const nics = children(vm, 'TEMPLATE/NIC');
    expect(nics.map((n) => [xpath(n, 'NIC_ID'), xpath(n, 'NETWORK'), xpath(n, 'IP')])).toEqual([['0', 'public', '192.0.2.100'], ['1', undefined, undefined]]);
    expect(xpath(vm, 'USER_TEMPLATE/SCHED_REQUIREMENTS')).toBe('CPUSPEED > 1000');
    expect(xpath(vm, 'USER_TEMPLATE/SVMSCHED_JOB_ID')).toBe('job-42');
    expect(t.sim.state.vm(id)?.jobId).toBe('job-42');
  });

  it('refuses unknown images and networks, full networks and incompatible clusters, releasing leases', async () => {
    for (const [text, message] of [
      ['DISK = [ IMAGE_ID = 77 ]', 'Error getting image [77].'],
      ['NIC = [ NETWORK_ID = 9 ]', 'Error getting virtual network [9].'],
      ['NIC = [ MODEL = "virtio" ]', 'NIC 0: give NETWORK_ID or NETWORK, or NETWORK_MODE = "auto".'],
    ]) {
      expect((await t.call('one.vm.allocate', SESSION, `${BASIC_VM}${text}\n`, true)).slice(0, 3))
        .toEqual([false, `[one.vm.allocate] Error allocating a new virtual machine. ${message}`, 0x4000]);
    }
    // The public network (16 addresses, cluster 0 only) is full after 16 leases.
    const before = xml(await t.ok('one.vn.info', SESSION, 1));
    const used = Number(xpath(before, 'USED_LEASES'));
    for (let i = used; i < 16; i += 1) await t.ok('one.vm.allocate', SESSION, `${BASIC_VM}NIC = [ NETWORK_ID = 1 ]\n`, true);
    const full = await t.call('one.vm.allocate', SESSION, `${BASIC_VM}NIC = [ NETWORK_ID = 0 ]\nNIC = [ NETWORK_ID = 1 ]\n`, true);
    expect(full.slice(0, 3)).toEqual([false, '[one.vm.allocate] Error allocating a new virtual machine. Cannot get IP/MAC lease from virtual network [1].', 0x4000]);
    const privateUsed = Number(xpath(xml(await t.ok('one.vn.info', SESSION, 0)), 'USED_LEASES'));
    const again = await t.call('one.vm.allocate', SESSION, `${BASIC_VM}NIC = [ NETWORK_ID = 0 ]\nNIC = [ NETWORK_ID = 1 ]\n`, true);
    expect(again[0]).toBe(false);
    expect(Number(xpath(xml(await t.ok('one.vn.info', SESSION, 0)), 'USED_LEASES'))).toBe(privateUsed);
  });

  it('frees leases when the VM is terminated', async () => {
    const used = async () => Number(xpath(xml(await t.ok('one.vn.info', SESSION, 0)), 'USED_LEASES'));
    const before = await used();
    const id = await t.ok<number>('one.vm.allocate', SESSION, `${BASIC_VM}NIC = [ NETWORK_ID = 0 ]\n`, true);
    expect(await used()).toBe(before + 1);
    await t.ok('one.vm.action', SESSION, 'terminate', id);
    expect(await used()).toBe(before);
  });

  it('names a VM one-<id> when the template has no NAME, and trims NAME', async () => {
    const a = await t.ok<number>('one.vm.allocate', SESSION, 'CPU = 1\nMEMORY = 8\n', true);
    const b = await t.ok<number>('one.vm.allocate', SESSION, 'NAME = "  spaced  "\nCPU = 1\nMEMORY = 8\n', true);
    expect(xpath(xml(await t.ok('one.vm.info', SESSION, a)), 'NAME')).toBe(`one-${a}`);
    expect(xpath(xml(await t.ok('one.vm.info', SESSION, b)), 'NAME')).toBe('spaced');
  });
});
