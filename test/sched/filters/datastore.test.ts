import { describe, expect, it } from 'vitest';
import { plan } from '../../../lib/sched';
import { datastore, host, input, job, snapshot } from '../helpers';

describe('datastore filter', () => {
  it('needs strictly more free space than the job asks on a shared datastore, and books it', () => {
    // Prepare
    const snap = snapshot([host({ id: 1 })], { datastores: [datastore(0, { freeMb: 1500 })] });
    // Act
    const p = plan(input(snap, [job({ id: 'a', diskMb: 1000 }), job({ id: 'b', diskMb: 1000 })]));
    // Assess
    expect(p.actions).toHaveLength(1);
    expect(p.waiting.get('b')?.code).toBe('datastore.capacity');
  });

  it('tests a host-local datastore against that host’s free space', () => {
    const snap = snapshot([host({ id: 1, localDs: { 5: 500 } }), host({ id: 2, localDs: { 5: 5000 } })],
      { datastores: [datastore(5, { shared: false })] });
    const p = plan(input(snap, [job({ id: 'a', diskMb: 1000 })]));
    expect(p.actions[0]).toMatchObject({ type: 'deploy', hostId: 2, datastoreId: 5 });
  });

  it('honours LIMIT_MB, SCHED_DS_REQUIREMENTS and the datastore rank', () => {
    const snap = snapshot([host({ id: 1 })], {
      datastores: [datastore(0, { freeMb: 9000, template: { LIMIT_MB: 1000, TIER: 'fast' } }), datastore(1, { freeMb: 5000, template: { TIER: 'fast' } }), datastore(2, { freeMb: 8000, template: { TIER: 'slow' } })],
    });
    const p = plan(input(snap, [job({ id: 'a', diskMb: 2000, dsRequirements: 'TIER = fast' })]));
    // ds 0 is limited to LIMIT_MB − USED_MB (none left); ds 2 is ruled out; ds 1 remains, though striping would prefer ds 0 or 2.
    expect(p.actions[0]).toMatchObject({ datastoreId: 1 });
  });

  it('only uses datastores of the host’s cluster', () => {
    const snap = snapshot([host({ id: 1, clusterId: 0 })], { datastores: [datastore(3, { clusterIds: [7] })] });
    const p = plan(input(snap, [job({ id: 'a' })]));
    expect(p.waiting.get('a')?.code).toBe('datastore.capacity');
  });
});
