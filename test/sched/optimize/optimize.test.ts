/** optimize(): balance and pack on small clusters, and the rules every plan keeps. */
import { describe, expect, it } from 'vitest';
import { optimize } from '../../../lib/sched/optimize';
import type { Snapshot } from '../../../lib/sched/snapshot';
import { datastore, el } from '../helpers';
import { clusterSnapshot, type HostSpec, type VmSpec } from './fixture';

const three: HostSpec[] = [{ id: 0, cpu: 8, memMb: 16384 }, { id: 1, cpu: 8, memMb: 16384 }, { id: 2, cpu: 8, memMb: 16384 }];
const crowded = (n: number, over: Partial<VmSpec> = {}): VmSpec[] => Array.from({ length: n }, (_, i) => ({ id: 10 + i, host: 0, cpu: 1, memoryMb: 1024, usage: 100, ...over }));

describe('optimize: balance', () => {
  it('spreads a crowded host over the idle ones, one migration into each host', () => {
    // Prepare
    const snap = clusterSnapshot(three, crowded(6));
    // Act
    const p = optimize(snap, { policy: 'balance' });
    // Assess
    expect(p.actions.map((a) => [a.vmId, a.fromHostId, a.hostId])).toEqual([[10, 0, 1], [11, 0, 2]]);
    expect(p.objectiveBefore).toBeCloseTo(6 / 8, 9);
    expect(p.objectiveAfter).toBeCloseTo(4 / 8 + 0.01 * 2 / (2 * 12 + 1), 9);
    expect(p.reasons[0]).toMatch(/cluster 0 \(c0\): balance objective 0\.7500 → 0\.50\d+ with 2 migrations/);
  });

  it('goes further with more migrations allowed into each host', () => {
    const p = optimize(clusterSnapshot(three, crowded(6)), { policy: 'balance', maxActionsPerHost: 3 });
    expect(p.actions).toHaveLength(4);
    expect(p.objectiveAfter).toBeCloseTo(2 / 8 + 0.01 * 4 / 25, 9);
  });

  it('weighs the metrics as configured: memory alone ignores monitored CPU', () => {
    const vms: VmSpec[] = [{ id: 10, host: 0, cpu: 1, memoryMb: 512, usage: 200 }, { id: 11, host: 0, cpu: 1, memoryMb: 512, usage: 200 }, { id: 12, host: 1, cpu: 1, memoryMb: 8192, usage: 0 }];
    const p = optimize(clusterSnapshot(three.slice(0, 2), vms), { policy: 'balance', weights: { memory: 1 } });
    expect(p.actions).toEqual([]);
    const q = optimize(clusterSnapshot(three.slice(0, 2), vms), { policy: 'balance', weights: { cpuUsage: 1 } });
    expect(q.actions.map((a) => a.vmId)).toEqual([10]);
  });

  it('leaves a balanced cluster alone and says so', () => {
    const p = optimize(clusterSnapshot(three, [{ id: 10, host: 0, cpu: 1, memoryMb: 1024 }, { id: 11, host: 1, cpu: 1, memoryMb: 1024 }, { id: 12, host: 2, cpu: 1, memoryMb: 1024 }]), { policy: 'balance' });
    expect(p.actions).toEqual([]);
    expect(p.objectiveAfter).toBe(p.objectiveBefore);
    expect(p.reasons).toEqual(['cluster 0 (c0): no migration lowers the balance objective (0.0625)']);
  });
});

describe('optimize: pack', () => {
  it('empties the hosts with fewest VMs onto the used ones, best fit', () => {
    const vms: VmSpec[] = [
      { id: 10, host: 0, cpu: 4, memoryMb: 4096 }, { id: 11, host: 1, cpu: 2, memoryMb: 2048 },
      { id: 12, host: 2, cpu: 1, memoryMb: 1024 }, { id: 13, host: 2, cpu: 1, memoryMb: 1024 },
    ];
    const p = optimize(clusterSnapshot(three, vms), { policy: 'pack' });
    expect(p.actions.map((a) => [a.vmId, a.hostId])).toEqual([[11, 0]]);
    expect(p.objectiveBefore).toBe(3);
    expect(p.objectiveAfter).toBeCloseTo(2 + 1 / (2 * 8 + 1), 9);
  });

  it('never empties a host that just received a VM', () => {
    const hosts: HostSpec[] = [...three, { id: 3, cpu: 8, memMb: 16384 }];
    const vms: VmSpec[] = [{ id: 10, host: 0, cpu: 1, memoryMb: 1024 }, { id: 11, host: 0, cpu: 1, memoryMb: 1024 }, { id: 12, host: 1, cpu: 4, memoryMb: 1024 }, { id: 13, host: 2, cpu: 4, memoryMb: 1024 }, { id: 14, host: 3, cpu: 6, memoryMb: 1024 }];
    const p = optimize(clusterSnapshot(hosts, vms), { policy: 'pack' });
    expect(p.actions.map((a) => [a.vmId, a.fromHostId, a.hostId])).toEqual([[12, 1, 2], [14, 3, 0]]);
    expect(p.objectiveAfter).toBeCloseTo(2 + 2 / (2 * 15 + 1), 9);
  });

  it('empties a host of several VMs when enough hosts can take one each', () => {
    const vms: VmSpec[] = [{ id: 10, host: 0, cpu: 1, memoryMb: 1024 }, { id: 11, host: 0, cpu: 1, memoryMb: 1024 }, { id: 12, host: 1, cpu: 6, memoryMb: 1024, requirements: 'ID = 1' }, { id: 13, host: 2, cpu: 6, memoryMb: 1024, requirements: 'ID = 2' }];
    const p = optimize(clusterSnapshot(three, vms), { policy: 'pack' });
    expect(p.actions.map((a) => [a.vmId, a.fromHostId, a.hostId])).toEqual([[10, 0, 1], [11, 0, 2]]);
  });

  it('keeps a host holding a VM it may not move, and empties the other', () => {
    const vms: VmSpec[] = [{ id: 10, host: 0, cpu: 4, memoryMb: 4096 }, { id: 11, host: 1, cpu: 1, memoryMb: 1024, state: 'POWEROFF', lcmState: 'LCM_INIT' }];
    const p = optimize(clusterSnapshot(three.slice(0, 2), vms), { policy: 'pack' });
    expect(p.actions.map((a) => [a.vmId, a.fromHostId, a.hostId])).toEqual([[10, 0, 1]]);
  });
});

describe('optimize: rules', () => {
  it('never sends a VM where its requirements rule it out', () => {
    const hosts: HostSpec[] = [{ id: 0, cpu: 8, memMb: 16384, rack: 'a' }, { id: 1, cpu: 8, memMb: 16384, rack: 'b' }, { id: 2, cpu: 8, memMb: 16384, rack: 'a' }];
    const p = optimize(clusterSnapshot(hosts, crowded(4, { requirements: 'RACK = "a"' })), { policy: 'balance', maxActionsPerHost: 4 });
    expect(p.actions.map((a) => a.hostId)).toEqual([2, 2]);
  });

  it('never sends a VM to a host without room for it', () => {
    const hosts: HostSpec[] = [{ id: 0, cpu: 8, memMb: 16384 }, { id: 1, cpu: 8, memMb: 1024 }];
    const p = optimize(clusterSnapshot(hosts, crowded(4, { memoryMb: 2048 })), { policy: 'balance' });
    expect(p.actions).toEqual([]);
  });

  it('leaves alone the VMs it is told to, and those not RUNNING or flagged resched', () => {
    const vms = crowded(3);
    const snap = clusterSnapshot(three, vms);
    const resched: Snapshot = { ...snap, vms: snap.vms.map((v) => (v.id === 11 ? { ...v, resched: true } : v)) };
    const p = optimize(resched, { policy: 'balance', leaveAlone: [10] });
    expect(p.actions.map((a) => a.vmId)).toEqual([12]);
  });

  it('stops at the migration thresholds and says which one', () => {
    const p = optimize(clusterSnapshot(three, crowded(6)), { policy: 'balance', thresholds: { hostMigration: 1 } });
    expect(p.actions).toHaveLength(1);
    expect(p.reasons).toContain('cluster 0 (c0): stopped at HOST_MIGRATION_THRESHOLD=1; the next run goes on');
    expect(optimize(clusterSnapshot(three, crowded(6)), { policy: 'balance', thresholds: { migration: 0 } }).actions).toEqual([]);
  });

  it('keeps each VM in its cluster and optimises only the cluster asked for', () => {
    const hosts: HostSpec[] = [{ id: 0, cpu: 8, memMb: 16384 }, { id: 1, cpu: 8, memMb: 16384, clusterId: 1 }, { id: 2, cpu: 8, memMb: 16384, clusterId: 1 }];
    const vms = [...crowded(3), { id: 20, host: 1, cpu: 1, memoryMb: 1024 }, { id: 21, host: 1, cpu: 1, memoryMb: 1024 }];
    const all = optimize(clusterSnapshot(hosts, vms), { policy: 'balance' });
    expect(all.actions.map((a) => [a.vmId, a.hostId])).toEqual([[20, 2]]);
    expect(all.clusters.map((c) => c.clusterId)).toEqual([0, 1]);
    expect(optimize(clusterSnapshot(hosts, vms), { policy: 'balance', clusterId: 0 }).actions).toEqual([]);
  });

  it('needs room on a host-local system datastore for the disks it copies', () => {
    const snap = clusterSnapshot(three.slice(0, 2), crowded(2));
    const local: Snapshot = {
      ...snap,
      datastores: [datastore(0, { shared: false })],
      vms: snap.vms.map((v) => ({ ...v, disks: [{ diskId: 0, sizeMb: 200_000, clone: true }] })),
    };
    expect(optimize(local, { policy: 'balance' }).actions).toEqual([]);
    const roomy: Snapshot = { ...local, vms: local.vms.map((v) => ({ ...v, disks: [{ diskId: 0, sizeMb: 1000, clone: true }] })) };
    expect(optimize(roomy, { policy: 'balance' }).actions).toHaveLength(1);
  });

  it('takes the policy, threshold and weights of the cluster\'s ONE_DRS as one_drs does', () => {
    const snap = clusterSnapshot(three, crowded(6));
    const drs = el('ONE_DRS', [el('POLICY', 'PACK'), el('MIGRATION_THRESHOLD', '0')]);
    const withDrs: Snapshot = { ...snap, clusters: snap.clusters.map((c) => ({ ...c, xml: el('CLUSTER', [el('ID', 0), el('TEMPLATE', [drs])]) })) };
    const p = optimize(withDrs, { policy: 'balance' });
    expect(p.clusters[0]!.policy).toBe('pack');
    expect(optimize(withDrs, { policy: 'balance', clusterSettings: false }).actions).toHaveLength(2);
  });

  it('carries the job id of svmsched\'s VMs and says why a VM with broken requirements stays', () => {
    const vms = crowded(2, { jobId: 'job-1' }).map((v, i) => ({ ...v, jobId: `job-${i}`, requirements: i === 1 ? 'RACK = ' : '' }));
    const p = optimize(clusterSnapshot(three.slice(0, 2), vms), { policy: 'balance' });
    expect(p.actions).toEqual([{ type: 'migrate', jobId: 'job-0', vmId: 10, fromHostId: 0, hostId: 1, datastoreId: 0 }]);
    expect(p.reasons.some((r) => /^cluster 0 \(c0\): VM 11 stays: requirements "RACK = " do not parse \(syntax error/.test(r))).toBe(true);
  });

  it('leaves a VM whose requirements run out of steps where it is, and says so', () => {
    // Prepare: `*[!~]` eight times then `~` against 200,000-byte values, on three hosts.
    const hostile = `RACK = "${'*[!~]'.repeat(8)}~"`;
    const hosts = three.map((h) => ({ ...h, rack: 'x'.repeat(200_000) }));
    const vms = crowded(2).map((v, i) => ({ ...v, requirements: i === 1 ? hostile : '' }));
    // Act
    const p = optimize(clusterSnapshot(hosts, vms), { policy: 'balance' });
    // Assess
    expect(p.actions.map((a) => a.vmId)).toEqual([10]);
    expect(p.reasons).toContain(`cluster 0 (c0): VM 11 stays: requirements "${hostile}" took too long to evaluate (more than 10000000 steps)`);
  });
});
