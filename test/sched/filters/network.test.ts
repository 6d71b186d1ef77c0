import { describe, expect, it } from 'vitest';
import { plan } from '../../../lib/sched';
import { host, input, job, snapshot, vnet } from '../helpers';

const nics = [{ nicId: 0, auto: true }, { nicId: 1, auto: true }];

describe('network filter', () => {
  it('gives each auto NIC a different network by default (DIFFERENT_VNETS)', () => {
    const snap = snapshot([host({ id: 1 })], { vnets: [vnet(1), vnet(2, { used: 10 })] });
    const p = plan(input(snap, [job({ id: 'a', nics })]));
    expect(p.actions[0]).toMatchObject({ nics: [{ nicId: 0, vnetId: 1 }, { nicId: 1, vnetId: 2 }] });
  });

  it('may reuse a network when DIFFERENT_VNETS is off', () => {
    const snap = snapshot([host({ id: 1 })], { vnets: [vnet(1), vnet(2, { used: 10 })] });
    const p = plan(input(snap, [job({ id: 'a', nics })], { policy: { differentVnets: false } }));
    expect(p.actions[0]).toMatchObject({ nics: [{ nicId: 0, vnetId: 1 }, { nicId: 1, vnetId: 1 }] });
  });

  it('counts leases taken earlier in the plan', () => {
    const snap = snapshot([host({ id: 1 })], { vnets: [vnet(1, { size: 1 })] });
    const p = plan(input(snap, [job({ id: 'a', nics: [nics[0]] }), job({ id: 'b', nics: [nics[0]] })]));
    expect(p.actions).toHaveLength(1);
    expect(p.waiting.get('b')?.code).toBe('network.leases');
  });

  it('applies the NIC’s own requirements', () => {
    const snap = snapshot([host({ id: 1 })], { vnets: [vnet(1), vnet(2, { template: { VLAN: 'blue' } })] });
    const p = plan(input(snap, [job({ id: 'a', nics: [{ nicId: 0, auto: true, schedRequirements: 'VLAN = blue' }] })]));
    expect(p.actions[0]).toMatchObject({ nics: [{ nicId: 0, vnetId: 2 }] });
  });
});

describe('network ranks', () => {
  it('spread leases within one plan in dynamic mode, not in OpenNebula mode', () => {
    const snap = snapshot([host({ id: 1, cpu: 16 })], { vnets: [vnet(1, { used: 0 }), vnet(2, { used: 1 })] });
    const jobs = () => [job({ id: 'a', nics: [nics[0]] }), job({ id: 'b', nics: [nics[0]] }), job({ id: 'c', nics: [nics[0]] })];
    const nets = (mode: 'dynamic' | 'opennebula') => plan(input(snap, jobs(), { policy: { rankMode: mode } })).actions.map((a) => a.type === 'deploy' && a.nics[0].vnetId);
    expect(nets('opennebula')).toEqual([1, 1, 1]);
    expect(nets('dynamic')).toEqual([1, 1, 2]);
  });
});
