/** Reconcile follows a VM that moved: the job's record names the host its VM runs on. */
import { describe, expect, it } from 'vitest';
import { reconcile } from '../../lib/lifecycle/reconcile';
import { job, vm } from '../helpers/builders';

const now = Date.parse('2026-01-01T01:00:00.000Z');

describe('reconcile after a migration', () => {
  it('points a running job at the host its VM now runs on', () => {
    // Prepare
    const jobs = [job({ id: 'a', state: 'RUNNING', vmId: 7, hostId: 1, hostName: 'h1', datastoreId: 0 })];
    // Act
    const fixes = reconcile({ jobs, vms: [vm({ id: 7, jobId: 'a', hostId: 2, hostName: 'h2', datastoreId: 0 })], now, maxAttempts: 3 });
    // Assess
    expect(fixes).toEqual([expect.objectContaining({ type: 'advance', to: 'RUNNING', reason: 'its VM now runs on host h2', patch: { hostId: 2, hostName: 'h2', datastoreId: 0 } })]);
  });

  it('waits while the VM is still on its way, and leaves a job on the right host alone', () => {
    const jobs = [job({ id: 'a', state: 'RUNNING', vmId: 7, hostId: 1 }), job({ id: 'b', state: 'RUNNING', vmId: 8, hostId: 3 })];
    const vms = [vm({ id: 7, jobId: 'a', hostId: 2, lcmState: 'BOOT_MIGRATE' }), vm({ id: 8, jobId: 'b', hostId: 3 })];
    expect(reconcile({ jobs, vms, now, maxAttempts: 3 })).toEqual([]);
  });
});
