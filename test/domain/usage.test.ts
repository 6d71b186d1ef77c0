/**
 * usageOf: a finished job's usage read from its history (run, wait, wall, preempted and lost
 * time), on histories as the lifecycle writes them.
 */
import { describe, expect, it } from 'vitest';
import type { Job, JobEvent, JobState } from '../../lib/domain/job';
import { usageOf } from '../../lib/domain/usage';

const T0 = Date.parse('2030-05-31T23:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

/** A job on 4 vCPU / 2048 MB whose history is `steps`: [second, from, to]. */
function jobWith(steps: Array<[number, JobState, JobState]>, extra: Partial<Job> = {}): Job {
  const history: JobEvent[] = [{ at: at(0), to: 'QUEUED', reason: 'submitted' }, ...steps.map(([s, from, to]) => ({ at: at(s), from, to, reason: 'x' }))];
  return {
    id: 'j1', owner: 'carol', service: 'svc', class: 'beff', priority: 0, vcpu: 4, memory: 2048, args: [], preemptMode: 'stop',
    state: history.at(-1)!.to, createdAt: at(0), updatedAt: history.at(-1)!.at, attempts: 0, excludedHosts: [], preemptions: 0, history, ...extra,
  };
}

describe('usageOf', () => {
  it('counts a preempted and resumed run: preempted time is neither run nor lost', () => {
    const job = jobWith([
      [30, 'QUEUED', 'DISPATCHING'], [40, 'DISPATCHING', 'RUNNING'],
      [100, 'RUNNING', 'PREEMPTING'], [110, 'PREEMPTING', 'PREEMPTED'], [400, 'PREEMPTED', 'RESUMING'], [420, 'RESUMING', 'RUNNING'],
      [500, 'RUNNING', 'COMPLETED'],
    ]);

    const u = usageOf(job);

    // Run 60 + 80 = 140 s; preempted from 100 to 420; wall from 40 to 500; waited 40 s.
    expect(u).toEqual({
      day: '2030-05-31', tenant: 'default', user: 'carol', service: 'svc', outcome: 'COMPLETED',
      vcpuSeconds: 560, memoryMbSeconds: 286_720, wallSeconds: 460, preemptedSeconds: 320, lostSeconds: 0, waitSeconds: 40,
    });
  });

  it('counts the run thrown away by a requeue as lost, and the day it ended on as its day', () => {
    const job = jobWith([
      [10, 'QUEUED', 'DISPATCHING'], [20, 'DISPATCHING', 'RUNNING'],
      [80, 'RUNNING', 'PREEMPTING'], [85, 'PREEMPTING', 'QUEUED'],
      [3600, 'QUEUED', 'DISPATCHING'], [3610, 'DISPATCHING', 'RUNNING'], [3700, 'RUNNING', 'FAILED'],
    ], { preemptMode: 'requeue', tenant: 'physics' } as Partial<Job>);

    const u = usageOf(job);

    expect(u).toMatchObject({
      day: '2030-06-01', tenant: 'physics', outcome: 'FAILED',
      vcpuSeconds: 4 * 150, wallSeconds: 3680, preemptedSeconds: 3530, lostSeconds: 60, waitSeconds: 20,
    });
  });

  it('counts a job cancelled in the queue as waiting only', () => {
    const u = usageOf(jobWith([[75.5, 'QUEUED', 'CANCELLED']]));

    expect(u).toMatchObject({ outcome: 'CANCELLED', vcpuSeconds: 0, wallSeconds: 0, waitSeconds: 75.5, lostSeconds: 0, preemptedSeconds: 0 });
  });

  it('counts a run lost with its VM and retried elsewhere', () => {
    const job = jobWith([
      [10, 'QUEUED', 'DISPATCHING'], [12, 'DISPATCHING', 'RUNNING'], [50, 'RUNNING', 'QUEUED'],
      [60, 'QUEUED', 'DISPATCHING'], [70, 'DISPATCHING', 'RUNNING'], [90, 'RUNNING', 'EXPIRED'],
    ]);

    expect(usageOf(job)).toMatchObject({ vcpuSeconds: 4 * 58, lostSeconds: 38, preemptedSeconds: 0, wallSeconds: 78, waitSeconds: 12 });
  });
});
