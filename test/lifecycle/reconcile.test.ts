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

describe('reconcile: an exit code the VM recorded through OneGate', () => {
  const since = '2026-01-01T00:50:00.000Z'; // ten minutes before `now`

  it('completes a running job for code 0 and ends its VM, counting the run time as the callback does', () => {
    // Prepare: the callback never came; the VM powered off after recording 0.
    const jobs = [job({ id: 'a', state: 'RUNNING', vmId: 7, hostId: 3, runningSince: since, runSeconds: 30, lifetimeEndsAt: '2026-01-01T02:00:00.000Z' })];
    // Act
    const [fix] = run(jobs, [vm({ id: 7, jobId: 'a', state: 'POWEROFF', lcmState: 'LCM_INIT', reportedExitCode: 0 })]);
    // Assess
    expect(fix).toEqual({
      type: 'advance', job: jobs[0], to: 'COMPLETED', endVm: 7,
      reason: 'service exited with code 0 (recorded by its VM through OneGate)',
      patch: { exitCode: 0, runSeconds: 630, clear: ['runningSince', 'lifetimeEndsAt'] },
    });
  });

  it('fails the job with the service\'s own code, not as a lost report, and does not retry it', () => {
    const [fix] = run([job({ id: 'a', state: 'RUNNING', vmId: 7, runningSince: since })], [vm({ id: 7, jobId: 'a', state: 'POWEROFF', lcmState: 'LCM_INIT', reportedExitCode: 66 })]);
    expect(fix).toMatchObject({ type: 'advance', to: 'FAILED', endVm: 7, reason: 'service exited with code 66 (recorded by its VM through OneGate)', patch: { exitCode: 66 } });
  });

  it('settles the job while the VM still runs (its script is still trying the callback)', () => {
    const [fix] = run([job({ id: 'a', state: 'RUNNING', vmId: 7, runningSince: since })], [vm({ id: 7, jobId: 'a', reportedExitCode: 0 })]);
    expect(fix).toMatchObject({ to: 'COMPLETED', endVm: 7 });
  });

  it('takes the code of a VM being preempted or preempted', () => {
    for (const state of ['PREEMPTING', 'PREEMPTED'] as const) {
      const [fix] = run([job({ id: 'a', state, vmId: 7 })], [vm({ id: 7, jobId: 'a', state: 'STOPPED', lcmState: 'LCM_INIT', reportedExitCode: 3 })]);
      expect(fix, state).toMatchObject({ type: 'advance', to: 'FAILED', endVm: 7, patch: { exitCode: 3 } });
    }
  });

  it('records a job the tick had not seen running as having run (not as a VM that shut down before it ran), as the callback does', () => {
    for (const state of ['DISPATCHING', 'RESUMING'] as const) {
      const powered = vm({ id: 7, jobId: 'a', state: 'POWEROFF', lcmState: 'LCM_INIT', hostId: 2, hostName: 'h2', reportedExitCode: 0 });
      const [fix] = run([job({ id: 'a', state, vmId: 7, hostId: 2 })], [powered]);
      expect(fix, state).toMatchObject({ type: 'advance', to: 'RUNNING', reason: 'ran on host h2', patch: { hostId: 2, hostName: 'h2' } });
      expect((fix as { endVm?: number }).endVm).toBeUndefined();
    }
  });

  it('ignores a code on a VM the job does not name: a queued job\'s old VM, or a VM that claims another job\'s id', () => {
    const queued = run([job({ id: 'a', state: 'QUEUED' })], [vm({ id: 7, jobId: 'a', reportedExitCode: 0 })]);
    expect(queued).toEqual([expect.objectContaining({ type: 'endOrphan', vmId: 7 })]);
    // VM 8 rewrote SVMSCHED_JOB_ID to job a's through OneGate; job a's own VM 7 still runs.
    const claimed = run([job({ id: 'a', state: 'RUNNING', vmId: 7 })], [vm({ id: 7, jobId: 'a' }), vm({ id: 8, jobId: 'a', reportedExitCode: 0 })]);
    expect(claimed).toEqual([expect.objectContaining({ type: 'endOrphan', vmId: 8, reason: 'a second VM for the same job' })]);
  });

  it('never fails a job whose VM still runs without a code, and fails one powered off without any', () => {
    expect(run([job({ id: 'a', state: 'RUNNING', vmId: 7 })], [vm({ id: 7, jobId: 'a' })])).toEqual([]);
    const [fix] = run([job({ id: 'a', state: 'RUNNING', vmId: 7 })], [vm({ id: 7, jobId: 'a', state: 'POWEROFF', lcmState: 'LCM_INIT' })]);
    expect(fix).toMatchObject({ to: 'FAILED', reason: 'the VM powered off without reporting an exit code' });
  });
});
