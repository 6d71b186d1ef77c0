import { describe, expect, it } from 'vitest';
import { plan } from '../../../lib/sched';
import { combineRequirements } from '../../../lib/sched/exprCache';
import { datastore, host, input, job, snapshot } from '../helpers';

describe('requirements filter', () => {
  it('combines automatic requirements as OpenNebula does', () => {
    expect(combineRequirements('CLUSTER_ID = 100', 'A = 1')).toBe('CLUSTER_ID = 100 & ( A = 1 )');
    expect(combineRequirements('CLUSTER_ID = 100', '')).toBe('CLUSTER_ID = 100');
    expect(combineRequirements(undefined, 'A = 1')).toBe('A = 1');
  });

  it('places only on hosts matching both automatic and user requirements', () => {
    const snap = snapshot([host({ id: 1, clusterId: 0 }), host({ id: 2, clusterId: 100, template: { HYPERVISOR: 'xen' } }), host({ id: 3, clusterId: 100 })],
      { datastores: [datastore(0, { clusterIds: [0, 100] })] });
    const p = plan(input(snap, [job({ id: 'a', automaticRequirements: 'CLUSTER_ID = 100', requirements: 'HYPERVISOR = kvm' })]));
    expect(p.actions[0]).toMatchObject({ hostId: 3 });
  });

  it('honours a pinned host and excluded hosts', () => {
    const snap = snapshot([host({ id: 1 }), host({ id: 2 }), host({ id: 3 })]);
    const p = plan(input(snap, [job({ id: 'a', pinnedHostId: 2 }), job({ id: 'b', excludedHostIds: [1] })], { policy: { host: { policy: 4 } } }));
    expect(p.actions).toMatchObject([{ jobId: 'a', hostId: 2 }, { jobId: 'b', hostId: 2 }]);
  });
});
