import { describe, expect, it } from 'vitest';
import { parseXml } from '../../../lib/one/xml';
import { compileRank, compileRequirement, datastoreLookup, hostLookup, vnetLookup, xmlLookup } from '../../../lib/sched/expr';
import { fixtureXml } from './helpers';

const hostXml = fixtureXml('host.xml');
const host = hostLookup({ xml: hostXml, vmIds: [12, 31] });

describe('hostLookup: one XPath union, first match in document order', () => {
  it('takes HOST_SHARE/MAX_CPU over TEMPLATE/MAX_CPU, because HOST_SHARE comes first in the document', () => {
    // TEMPLATE is first in OpenNebula's path list, but the union is sorted in document order.
    expect(host('MAX_CPU')).toEqual(['1600', '9999']);
    expect(compileRank('MAX_CPU').value(host)).toBe(1600);
    expect(compileRequirement('MAX_CPU = 9999').test(host)).toBe(false);
    expect(compileRequirement('MAX_CPU @> 9999').test(host)).toBe(true);
  });

  it('takes TEMPLATE over CLUSTER_TEMPLATE when TEMPLATE comes first', () => {
    expect(host('RESERVED_CPU')).toEqual(['100', '-200']);
    expect(host('HYPERVISOR')).toEqual(['kvm', 'xen']);
    expect(compileRequirement('HYPERVISOR = kvm').test(host)).toBe(true);
  });

  it('puts HOST\'s own children in the union, ahead of deeper ones', () => {
    expect(host('ID')).toEqual(['7']);
    expect(host('NAME')).toEqual(['kvm-node-07']);
    expect(host('CLUSTER_ID')).toEqual(['100']);
  });

  it('searches HOST_SHARE/DATASTORES, MONITORING/CAPACITY and MONITORING/SYSTEM, not MONITORING itself', () => {
    expect(host('FREE_DISK')).toEqual(['90113']);
    expect(host('FREE_CPU')).toEqual(['1400']);
    expect(host('NETRX')).toEqual(['123456789']);
    expect(host('TIMESTAMP')).toEqual([]);
    expect(host('ZONE')).toEqual(['eu-west']);
  });

  it('follows quoted paths below every search path, and absolute paths from the root', () => {
    expect(host('DS/ID')).toEqual(['0', '104']);
    expect(host('MONITORING/ID')).toEqual(['7']);
    expect(host('/HOST/TEMPLATE/MAX_CPU')).toEqual(['9999']);
    expect(host('/HOST/VMS/ID')).toEqual(['12', '31']);
    expect(host('/DATASTORE/ID')).toEqual([]);
    expect(compileRequirement('"DS/ID" @> 104 & "DS/FREE_MB" > 1000').test(host)).toBe(true);
  });

  it('gives every value of a multi-valued attribute, and a container its whole text', () => {
    expect(host('LABELS')).toEqual(['ssd', 'infiniband']);
    const indent = (values: string[], inner: string, outer: string): string => `\n${inner}${values.join(`\n${inner}`)}\n${outer}`;
    expect(host('DS')).toEqual([indent(['90113', '0', '102350', '7000'], '        ', '      '), indent(['500', '104', '1000', '500'], '        ', '      ')]);
  });

  it('reads a pretty-printed container as OpenNebula does: the number stops at the first blank', () => {
    // Expected values from OpenNebula's evaluator on this document (ObjectXML's istringstream reads).
    expect(compileRank('DS').value(host)).toBe(90113);
    expect(compileRank('DATASTORES').value(host)).toBe(0);
    expect(compileRank('HOST_SHARE').value(host)).toBe(4194304);
    expect(compileRequirement('DS > 90112').test(host)).toBe(true);
    expect(compileRequirement('DS @> 500').test(host)).toBe(true);
    expect(compileRequirement('"DS" = "*90113*0*"').test(host)).toBe(true);
    expect(compileRequirement('DS = "[[:space:]]*"').test(host)).toBe(true);
  });

  it('answers CURRENT_VMS from the host\'s VM ids', () => {
    expect(compileRequirement('CURRENT_VMS = 31').test(host)).toBe(true);
    expect(compileRequirement('CURRENT_VMS = 32').test(host)).toBe(false);
    const withDispatched = hostLookup({ xml: hostXml, vmIds: [12, 31, 32] });
    expect(compileRequirement('CURRENT_VMS = 32').test(withDispatched)).toBe(true);
  });

  it('reads CURRENT_VMS from VMS/ID when given only the XML', () => {
    const lookup = xmlLookup(hostXml, 'host');
    expect(compileRequirement('CURRENT_VMS = 12 & CURRENT_VMS != 5').test(lookup)).toBe(true);
  });

  it('returns the same answer array each time (the index is built once)', () => {
    expect(host('MAX_CPU')).toBe(host('MAX_CPU'));
    expect(hostLookup({ xml: hostXml, vmIds: [] })('MAX_CPU')).toBe(host('MAX_CPU'));
  });

  it('finds nothing in a document whose root is not HOST', () => {
    const other = hostLookup({ xml: parseXml('<VM><TEMPLATE><CPU>1</CPU></TEMPLATE></VM>'), vmIds: [] });
    expect(other('CPU')).toEqual([]);
  });
});

describe('datastoreLookup and vnetLookup: TEMPLATE and the object element', () => {
  it('takes the DATASTORE element\'s FREE_MB before TEMPLATE/FREE_MB, which comes later', () => {
    const ds = datastoreLookup({ xml: fixtureXml('datastore.xml') });
    expect(ds('FREE_MB')).toEqual(['700000', '1']);
    expect(ds('TIER')).toEqual(['ssd']);
    expect(ds('CLUSTERS/ID')).toEqual(['0', '100']);
    expect(compileRequirement('"CLUSTERS/ID" @> 100 & SHARED = NO & TYPE = 1').test(ds)).toBe(true);
  });

  it('takes the VNET element\'s NAME before TEMPLATE/NAME', () => {
    const vnet = vnetLookup({ xml: fixtureXml('vnet.xml') });
    expect(vnet('NAME')).toEqual(['public', 'template-name']);
    expect(vnet('SPEED')).toEqual(['10000']);
    expect(vnet('SIZE')).toEqual([]);
    expect(compileRank('SPEED / 1000 - USED_LEASES').value(vnet)).toBe(-2);
  });
});
