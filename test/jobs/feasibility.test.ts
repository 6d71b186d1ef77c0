/**
 * Requests no host of the cloud could ever satisfy: judged on the hosts as OpenNebula describes
 * them (a real HOST_POOL document, parsed as the tick parses it), at their best (empty).
 */
import { describe, expect, it } from 'vitest';
import { neverSatisfiable } from '../../lib/jobs/feasibility';
import { hostCapability, readCapabilities, recordCapability } from '../../lib/lifecycle/hostCapability';
import { hostPoolFromXml } from '../../lib/one/parse/pool';
import { vmFromXml } from '../../lib/one/parse/vm';
import { parseXml } from '../../lib/one/xml';
import { addressesOf } from '../../lib/lifecycle/reconcile';
import { fixture } from '../one/fixture';

// node-a1: kvm, 7 CPUs, 15 GB, 2.5 CPUs used; node-b1: xen, 16 CPUs, 32 GB; node-b2: kvm, 4 CPUs, 8 GB.
const hosts = hostPoolFromXml(parseXml(fixture('host_pool.xml'))).map(hostCapability);
const req = (r: Partial<Parameters<typeof neverSatisfiable>[1]> = {}) => ({ vcpu: 1, memory: 512, requirements: '', ...r });

describe('neverSatisfiable', () => {
  it('accepts what some host could hold, however busy the cloud is now', () => {
    expect(hosts.map((h) => [h.name, h.cpu, h.memory])).toEqual([['node-a1', 7, 15360], ['node-b1', 16, 32768], ['node-b2', 4, 8192]]);
    expect(neverSatisfiable(hosts, req())).toBeUndefined();
    // node-a1 has 4.5 CPUs free now, 7 at best.
    expect(neverSatisfiable(hosts, req({ vcpu: 7, requirements: 'HYPERVISOR = "kvm"' }))).toBeUndefined();
    // Usage at its best: an empty host.
    expect(neverSatisfiable(hosts, req({ requirements: 'NAME = "node-a1" & RUNNING_VMS = 0 & FREE_CPU = 700 & CPU_USAGE = 0' }))).toBeUndefined();
  });

  it('refuses requirements that hold on no host, naming the term', () => {
    const r = neverSatisfiable(hosts, req({ requirements: '(HYPERVISOR = "kvm") & (NAME = "gpu-*")' }));
    expect(r?.field).toBe('requirements');
    expect(r?.message).toContain('NAME = "gpu-*" holds on none of its 3 hosts');
    expect(r?.message).toContain('waitForHost');
  });

  it('refuses more than the largest host has, naming it', () => {
    const big = neverSatisfiable(hosts, req({ vcpu: 17 }));
    expect(big).toEqual({ field: 'vcpu', message: expect.stringContaining('the largest host, node-b1, has 16 CPUs and 32768 MB') });
    // Among the hosts the requirements allow: node-a1 is the largest kvm host.
    const kvm = neverSatisfiable(hosts, req({ vcpu: 8, requirements: 'HYPERVISOR = "kvm"' }));
    expect(kvm).toEqual({ field: 'vcpu', message: expect.stringContaining('the largest host meeting the requirements, node-a1, has 7 CPUs and 15360 MB') });
    expect(neverSatisfiable(hosts, req({ memory: 40_000 }))?.field).toBe('memory');
  });

  it('decides nothing without hosts (no view recorded yet, or one of another version)', () => {
    expect(neverSatisfiable([], req({ vcpu: 1000, requirements: 'NAME = "none"' }))).toBeUndefined();
    expect(readCapabilities(undefined)).toEqual([]);
    expect(readCapabilities([{ id: 0, name: 'x', cpu: 1, memory: 1, xml: { name: 'HOST', text: '', children: [] } }])).toEqual([]);
  });

  it('judges the same on the hosts as the cluster view stores them', () => {
    const stored = readCapabilities(JSON.parse(JSON.stringify(hosts.map(recordCapability))));
    expect(stored).toEqual(hosts);
    expect(neverSatisfiable(stored, req({ vcpu: 8, requirements: 'HYPERVISOR = "kvm"' }))).toEqual(neverSatisfiable(hosts, req({ vcpu: 8, requirements: 'HYPERVISOR = "kvm"' })));
  });
});

describe('addressesOf', () => {
  it('gives the NICs\' IPs OpenNebula leased', () => {
    const vm = vmFromXml(parseXml(fixture('vm.xml')));
    expect(addressesOf(vm)).toEqual({ addresses: ['192.0.2.10'] });
    expect(addressesOf({ nics: [] })).toEqual({});
  });
});

describe('neverSatisfiable, when each term holds somewhere', () => {
  it('says which term fails on which host', () => {
    const r = neverSatisfiable(hosts, req({ requirements: 'HYPERVISOR = "xen" & NAME = "node-a1"' }));
    expect(r).toEqual({ field: 'requirements', message: expect.stringContaining('no host of the cloud meets all the requirements: HYPERVISOR = "xen" fails on node-a1, node-b2; NAME = "node-a1" fails on node-b1') });
  });
});

describe('neverSatisfiable, on a requirement too costly to judge', () => {
  it('judges nothing past its step budget: the request is accepted and the planner explains', () => {
    const costly = `NAME = "${'*a'.repeat(10)}~" | HYPERVISOR = "*z*"`;
    expect(neverSatisfiable(hosts, req({ requirements: costly }))?.field).toBe('requirements');
    expect(neverSatisfiable(hosts, req({ requirements: costly }), 20)).toBeUndefined();
  });
});
