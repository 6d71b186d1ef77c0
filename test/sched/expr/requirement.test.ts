import { describe, expect, it } from 'vitest';
import { compileRequirement, withCurrentVms } from '../../../lib/sched/expr';
import { mapLookup } from './helpers';

const host = mapLookup({
  HYPERVISOR: 'kvm',
  NAME: 'kvm-node-07',
  CPU_USAGE: '200',
  LOAD: '0.75',
  PRIORITY: ' 5 ',
  RACK: '12abc',
  LABELS: ['ssd', 'infiniband'],
  SLOTS: ['none', '4', '8'],
  'CLUSTERS/ID': ['0', '100'],
  EMPTY: '',
});

const holds = (src: string, lookup = host) => compileRequirement(src).test(lookup);

describe('compileRequirement: comparisons (expr_bool.y actions)', () => {
  it('compares numerically when the right side is a number', () => {
    expect(holds('CPU_USAGE = 200')).toBe(true);
    expect(holds('CPU_USAGE > 199 & CPU_USAGE < 201')).toBe(true);
    expect(holds('CPU_USAGE != 200')).toBe(false);
    expect(holds('LOAD < 0.8 & LOAD > 0.7')).toBe(true);
    expect(holds('LOAD = 0.75')).toBe(true);
  });

  it('reads an attribute as a number the way istringstream does', () => {
    expect(holds('PRIORITY = 5')).toBe(true); // leading blank skipped
    expect(holds('RACK = 12')).toBe(true); // "12abc" reads as 12
    expect(holds('LOAD = 0')).toBe(true); // as int, "0.75" reads as 0
    expect(holds('HYPERVISOR = 0')).toBe(false); // unreadable: treated as missing
  });

  it('takes the first value that reads as a number, skipping unreadable ones', () => {
    expect(holds('SLOTS = 4')).toBe(true);
    expect(holds('SLOTS = "none"')).toBe(true);
  });

  it('matches shell wildcards (fnmatch) when the right side is a word or a quoted string', () => {
    expect(holds('HYPERVISOR = kvm')).toBe(true);
    expect(holds('HYPERVISOR != xen')).toBe(true);
    expect(holds('NAME = "kvm-*"')).toBe(true);
    expect(holds('NAME = "kvm-node-0[0-6]"')).toBe(false);
    expect(holds('NAME != "*07"')).toBe(false);
    expect(holds('RACK = "12*"')).toBe(true);
  });

  it('compares only the first value with = and !=, every value with @>', () => {
    expect(holds('LABELS = infiniband')).toBe(false);
    expect(holds('LABELS @> infiniband')).toBe(true);
    expect(holds('LABELS @> "*band"')).toBe(true);
    expect(holds('LABELS @> nvme')).toBe(false);
    expect(holds('SLOTS @> 8')).toBe(true);
    expect(holds('"CLUSTERS/ID" @> 100')).toBe(true);
  });

  it('makes every comparison with a missing attribute false, != included', () => {
    for (const op of ['= 1', '!= 1', '> 1', '< 1', '@> 1', '= 1.5', '!= 1.5', '= x', '!= x', '@> x', '= "*"']) {
      expect({ op, holds: holds(`MISSING ${op}`) }).toEqual({ op, holds: false });
    }
  });

  it('makes a comparison with the empty quoted string "" false', () => {
    expect(holds('EMPTY = ""')).toBe(false);
    expect(holds('EMPTY != ""')).toBe(false);
    expect(holds('EMPTY = "*"')).toBe(true);
  });

  it('holds for an empty expression', () => {
    expect(holds('')).toBe(true);
    expect(holds('   ')).toBe(true);
  });

  it('evaluates !, & and | left to right with one precedence', () => {
    // (true | true) & false: false, where C-like precedence would say true.
    expect(holds('HYPERVISOR = kvm | HYPERVISOR = kvm & HYPERVISOR = xen')).toBe(false);
    // (!false) & false
    expect(holds('! HYPERVISOR = xen & HYPERVISOR = xen')).toBe(false);
  });
});

describe('compileRequirement: CURRENT_VMS (HostXML pseudo-attribute)', () => {
  const onHost = withCurrentVms(mapLookup({}), [12, 31]);

  it('tests whether a VM runs on the host with = and !=', () => {
    expect(holds('CURRENT_VMS = 31', onHost)).toBe(true);
    expect(holds('CURRENT_VMS = 5', onHost)).toBe(false);
    expect(holds('CURRENT_VMS != 5', onHost)).toBe(true);
    expect(holds('!(CURRENT_VMS = 12)', onHost)).toBe(false);
  });

  it('is an ordinary (missing) attribute for @>, whose search HostXML does not override', () => {
    expect(holds('CURRENT_VMS @> 31', onHost)).toBe(false);
  });

  it('is an ordinary attribute for lookups that are not a host\'s', () => {
    expect(holds('CURRENT_VMS != 5', mapLookup({}))).toBe(false);
    expect(holds('CURRENT_VMS = 5', mapLookup({ CURRENT_VMS: '5' }))).toBe(true);
  });
});

describe('compileRequirement: failingTerm', () => {
  it('names the comparison that made the expression false', () => {
    expect(compileRequirement('HYPERVISOR = xen').failingTerm(host)).toBe('HYPERVISOR = xen');
    expect(compileRequirement('CPU_USAGE > 100 & (HYPERVISOR = xen)').failingTerm(host)).toBe('HYPERVISOR = xen');
    expect(compileRequirement('CPU_USAGE > 500 & HYPERVISOR = xen').failingTerm(host)).toBe('CPU_USAGE > 500');
  });

  it('names a whole disjunction or negation, since no single comparison inside decides it', () => {
    expect(compileRequirement('HYPERVISOR = xen | HYPERVISOR = vcenter').failingTerm(host)).toBe('HYPERVISOR = xen | HYPERVISOR = vcenter');
    expect(compileRequirement('CPU_USAGE > 1 & !(HYPERVISOR = kvm)').failingTerm(host)).toBe('!(HYPERVISOR = kvm)');
  });

  it('is undefined when the expression holds', () => {
    expect(compileRequirement('HYPERVISOR = kvm').failingTerm(host)).toBeUndefined();
    expect(compileRequirement('').failingTerm(host)).toBeUndefined();
  });
});

describe('compileRequirement: compilation', () => {
  it('compiles each distinct source once', () => {
    expect(compileRequirement('HYPERVISOR = kvm & CPU_USAGE > 1')).toBe(compileRequirement('HYPERVISOR = kvm & CPU_USAGE > 1'));
  });

  it('throws the same syntax error again for the same bad source', () => {
    expect(() => compileRequirement('CPU >= 1')).toThrow(/column 6 near '='/);
    expect(() => compileRequirement('CPU >= 1')).toThrow(/column 6 near '='/);
  });
});
