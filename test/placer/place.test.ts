import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { place, PLACER_DEFAULTS, policyFromConf } from '../../lib/placer';
import { encodeRequest, requestXml, type RequestSpec } from './requestFixture';
import { validate, xmllintAvailable } from './xsd';

const hasXmllint = xmllintAvailable();

const base = (vms: RequestSpec['vms'], extra: Partial<RequestSpec> = {}): RequestSpec => ({
  hosts: [{ id: 0, cpu: 800, memMb: 8192, runningVms: 3 }, { id: 1, cpu: 400, memMb: 4096, runningVms: 1 }, { id: 2, cpu: 800, memMb: 8192, runningVms: 0, state: 4 }],
  datastores: [{ id: 0, freeMb: 100_000 }, { id: 1, freeMb: 50_000, type: 0, shared: null }],
  vnets: [{ id: 0, size: 10, used: 9 }, { id: 1, size: 10, used: 2 }],
  vms,
  ...extra,
});

/** VM_ID → [OPERATION, HOST_ID, DS_ID, NICs] from a PLAN. */
function decisions(plan: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of plan.matchAll(/<ACTION>([\s\S]*?)<\/ACTION>/g)) {
    const get = (tag: string): string => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(m[1])?.[1] ?? '';
    const nics = [...m[1].matchAll(/<NIC_ID>(\d+)<\/NIC_ID>\s*<NETWORK_ID>(\d+)<\/NETWORK_ID>/g)].map((n) => `${n[1]}:${n[2]}`);
    out[get('VM_ID')] = [get('OPERATION'), get('HOST_ID'), get('DS_ID'), ...nics];
  }
  return out;
}

describe('place', () => {
  it('reads the base64 request and writes a PLAN that validates against plan.xsd', () => {
    // Prepare
    const spec = base([{ id: 7, cpu: 1, memMb: 1024, hosts: [0, 1, 2], datastores: [0], nics: [{ nicId: 0, auto: true }], nicVnets: { 0: [0, 1] } }]);
    const xml = requestXml(spec);
    // Act
    const plan = place(encodeRequest(xml));
    // Assess
    if (hasXmllint) {
      expect(validate(xml, 'scheduler_driver_action.xsd')).toMatchObject({ ok: true });
      expect(validate(plan, 'plan.xsd')).toMatchObject({ ok: true });
    }
    expect(plan.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<PLAN>\n  <ID>-1</ID>')).toBe(true);
    // Striping: host 1 has fewer RUNNING_VMS; host 2 is disabled. Networks: striping on USED_LEASES.
    expect(decisions(plan)).toEqual({ 7: ['deploy', '1', '0', '0:1'] });
  });

  it('accepts plain XML too', () => {
    const plan = place(requestXml(base([{ id: 7, cpu: 1, memMb: 1024, hosts: [0], datastores: [0] }])));
    expect(decisions(plan)).toEqual({ 7: ['deploy', '0', '0'] });
  });

  it('ranks once per run, as OpenNebula’s placer: striping sends a burst to the same host', () => {
    const vms = [1, 2, 3].map((id) => ({ id, cpu: 1, memMb: 512, hosts: [0, 1], datastores: [0] }));
    expect(Object.values(decisions(place(requestXml(base(vms))))).map((d) => d[1])).toEqual(['1', '1', '1']);
    const limited = policyFromConf('MAX_HOST = 1\nDEFAULT_SCHED = [ POLICY = 1 ]');
    expect(Object.values(decisions(place(requestXml(base(vms)), limited))).map((d) => d[1])).toEqual(['1', '0']);
  });

  it('orders VMs by USER_PRIORITY, then id, and checks capacity promised earlier in the run', () => {
    const vms = [
      { id: 5, cpu: 4, memMb: 1024, hosts: [1], datastores: [0] },
      { id: 9, cpu: 4, memMb: 1024, hosts: [1], datastores: [0], userPriority: 2 },
    ];
    expect(decisions(place(requestXml(base(vms))))).toEqual({ 9: ['deploy', '1', '0'] });
  });

  it('resumes a stopped VM with a deploy, migrates a resched VM away from its host', () => {
    const vms = [
      { id: 3, cpu: 1, memMb: 512, hosts: [0, 1], datastores: [0], history: { hid: 1, dsId: 0, action: 9 } },
      { id: 4, cpu: 1, memMb: 512, state: 3, lcmState: 3, resched: true, hosts: [0, 1], datastores: [0], history: { hid: 1, dsId: 0, action: 0 } },
      { id: 6, cpu: 1, memMb: 512, state: 3, lcmState: 3, hosts: [0, 1], datastores: [0] },
    ];
    expect(decisions(place(requestXml(base(vms))))).toEqual({ 3: ['deploy', '1', '0'], 4: ['migrate', '0', '0'] });
  });

  it('needs nothing for a VM without CPU or MEMORY, and honours SCHED_REQUIREMENTS and SCHED_RANK', () => {
    const vms = [
      { id: 1, cpu: 0, memMb: 999_999, hosts: [1], datastores: [0] },
      { id: 2, cpu: 1, memMb: 512, hosts: [0, 1], datastores: [0], requirements: 'RUNNING_VMS > 2' },
      { id: 3, cpu: 1, memMb: 512, hosts: [0, 1], datastores: [0], rank: 'RUNNING_VMS' },
    ];
    expect(decisions(place(requestXml(base(vms))))).toEqual({ 1: ['deploy', '1', '0'], 2: ['deploy', '0', '0'], 3: ['deploy', '0', '0'] });
  });

  it('tests image datastore space and the system datastore against disks', () => {
    const vms = [
      { id: 1, cpu: 1, memMb: 512, hosts: [0], datastores: [0], disks: [{ size: 60_000, datastoreId: 1, clone: 'YES', cloneTarget: 'SELF' }] },
      { id: 2, cpu: 1, memMb: 512, hosts: [0], datastores: [0], disks: [{ size: 200_000, type: 'swap' }] },
      { id: 3, cpu: 1, memMb: 512, hosts: [0], datastores: [0], disks: [{ size: 40_000, datastoreId: 1, clone: 'YES', cloneTarget: 'SELF' }] },
    ];
    expect(decisions(place(requestXml(base(vms))))).toEqual({ 3: ['deploy', '0', '0'] });
  });

  it('writes an empty PLAN when nothing can be placed, as OpenNebula does', () => {
    expect(place(requestXml(base([{ id: 1, cpu: 64, memMb: 512, hosts: [0], datastores: [0] }])))).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<PLAN>\n  <ID>-1</ID>\n</PLAN>\n');
  });

  it('uses OpenNebula’s defaults without rank.conf', () => {
    expect(PLACER_DEFAULTS).toMatchObject({ host: { policy: 1 }, datastore: { policy: 1 }, nic: { policy: 1 }, differentVnets: true, memorySystemDsScale: 0, rankMode: 'opennebula', preemption: false });
  });
});

describe('place on the sample request (test/placer/fixtures/request.xml)', () => {
  const request = readFileSync(join(import.meta.dirname, 'fixtures/request.xml'), 'utf8');

  it('is a valid SCHEDULER_DRIVER_ACTION', () => {
    if (hasXmllint) expect(validate(request, 'scheduler_driver_action.xsd')).toMatchObject({ ok: true });
  });

  it('places by priority, picks local datastores and spreads NICs over networks; no migration outside the VM’s datastore cluster', () => {
    const plan = place(Buffer.from(request).toString('base64'));
    expect(decisions(plan)).toEqual({ 11: ['deploy', '0', '0'], 10: ['deploy', '1', '101', '0:1', '1:0'] });
    expect([...plan.matchAll(/<VM_ID>(\d+)<\/VM_ID>/g)].map((m) => m[1])).toEqual(['11', '10']);
  });
});
