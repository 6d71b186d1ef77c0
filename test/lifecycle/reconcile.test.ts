import { describe, it, expect } from 'vitest';
import { reconcile } from '../../lib/lifecycle/reconcile';
import { job, vm } from '../helpers/builders';

const now = Date.parse('2026-01-01T01:00:00.000Z');
const run = (jobs: Parameters<typeof reconcile>[0]['jobs'], vms: Parameters<typeof reconcile>[0]['vms']) =>
  reconcile({ jobs, vms, now, maxAttempts: 3 });

describe('reconcile', () => {
  it('adopts a VM that carries the job id when the crash came before its id was recorded', () => {
    const fixes = run([job({ id: 'a', state: 'DISPATCHING' })], [vm({ id: 7, jobId: 'a', state: 'HOLD', lcmState: 'LCM_INIT' })]);
    expect(fixes).toEqual([expect.objectContaining({ type: 'adopt', vmId: 7 })]);
  });

  it('moves a dispatched job to RUNNING once its VM runs, with its host', () => {
    const fixes = run([job({ id: 'a', state: 'DISPATCHING', vmId: 7 })], [vm({ id: 7, jobId: 'a', hostId: 3, hostName: 'h3' })]);
    expect(fixes).toEqual([expect.objectContaining({ type: 'advance', to: 'RUNNING', patch: { hostId: 3, hostName: 'h3' } })]);
  });

  it('retries a job whose VM failed during boot elsewhere, excluding that host, then gives up', () => {
    const failing = vm({ id: 7, jobId: 'a', hostId: 3, lcmState: 'BOOT_FAILURE' });
    const [first] = run([job({ id: 'a', state: 'DISPATCHING', vmId: 7, hostId: 3 })], [failing]);
    expect(first).toMatchObject({ type: 'advance', to: 'QUEUED', endVm: 7, patch: { attempts: 1, excludedHosts: [3] } });
    const [last] = run([job({ id: 'a', state: 'DISPATCHING', vmId: 7, hostId: 3, attempts: 2, excludedHosts: [1, 2] })], [failing]);
    expect(last).toMatchObject({ type: 'advance', to: 'FAILED', endVm: 7 });
    expect((last as { reason: string }).reason).toMatch(/gave up after 3 attempts/);
  });

  it('re-queues a running job whose VM vanished, and expires one whose lifetime has passed', () => {
    const [lost] = run([job({ id: 'a', state: 'RUNNING', vmId: 7 })], []);
    expect(lost).toMatchObject({ to: 'QUEUED' });
    const [expired] = run([job({ id: 'b', state: 'RUNNING', vmId: 8, lifetimeEndsAt: '2026-01-01T00:59:00.000Z' })], [vm({ id: 8, jobId: 'b' })]);
    expect(expired).toMatchObject({ to: 'EXPIRED', endVm: 8 });
  });

  it('treats a VM whose host went into ERROR as a failed attempt', () => {
    const [fix] = run([job({ id: 'a', state: 'RUNNING', vmId: 7, hostId: 2 })], [vm({ id: 7, jobId: 'a', lcmState: 'UNKNOWN' })]);
    expect(fix).toMatchObject({ to: 'QUEUED', endVm: 7, patch: { excludedHosts: [2] } });
  });

  it('completes a preemption once the VM is stopped, and sends it again if the VM still runs', () => {
    const [done] = run([job({ id: 'a', state: 'PREEMPTING', vmId: 7 })], [vm({ id: 7, jobId: 'a', state: 'STOPPED', lcmState: 'LCM_INIT' })]);
    expect(done).toMatchObject({ to: 'PREEMPTED' });
    const [again] = run([job({ id: 'a', state: 'PREEMPTING', vmId: 7 })], [vm({ id: 7, jobId: 'a' })]);
    expect(again).toMatchObject({ type: 'repreempt', mode: 'stop' });
  });

  it('ends VMs no unfinished job owns, and a second VM of the same job', () => {
    const fixes = run([job({ id: 'a', state: 'RUNNING', vmId: 7 })], [vm({ id: 7, jobId: 'a' }), vm({ id: 8, jobId: 'a' }), vm({ id: 9, jobId: 'gone' }), vm({ id: 10 })]);
    expect(fixes.map((f) => f.type === 'endOrphan' && f.vmId).filter(Boolean).sort()).toEqual([8, 9]);
  });
});
