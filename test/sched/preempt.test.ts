import { describe, expect, it } from 'vitest';
import { plan } from '../../lib/sched';
import type { DeployAction, PreemptAction } from '../../lib/sched/contract';
import { host, input, job, runningJob, snapshot } from './helpers';

const preempts = (actions: readonly { type: string }[]) => actions.filter((a) => a.type === 'preempt') as PreemptAction[];

describe('preemption', () => {
  it('preempts the fewest beff jobs on one host and deploys after them', () => {
    // Prepare: host 1 full of two small beff jobs, host 2 full of one big beff job.
    const snap = snapshot([host({ id: 1, cpu: 4, cpuUsed: 4 }), host({ id: 2, cpu: 4, cpuUsed: 4 })]);
    const running = [
      runningJob({ id: 'r1', hostId: 1, cpu: 2 }), runningJob({ id: 'r2', hostId: 1, cpu: 2 }),
      runningJob({ id: 'r3', hostId: 2, cpu: 4 }),
    ];
    // Act
    const p = plan(input(snap, [job({ id: 'p', cpu: 4 })], { running }));
    // Assess
    expect(preempts(p.actions).map((a) => [a.jobId, a.hostId, a.byJobId, a.mode])).toEqual([['r3', 2, 'p', 'stop']]);
    expect(p.actions.at(-1)).toMatchObject({ type: 'deployAfterVictims', jobId: 'p', hostId: 2, victims: ['r3'] });
  });

  it('breaks ties by least work lost since the last checkpoint, then lowest priority', () => {
    const snap = snapshot([host({ id: 1, cpu: 2, cpuUsed: 2 }), host({ id: 2, cpu: 2, cpuUsed: 2 }), host({ id: 3, cpu: 2, cpuUsed: 2 })]);
    const running = [
      runningJob({ id: 'old', hostId: 1, cpu: 2, checkpointAt: 0 }),
      runningJob({ id: 'fresh', hostId: 2, cpu: 2, checkpointAt: 900_000, priority: 2 }),
      runningJob({ id: 'fresh2', hostId: 3, cpu: 2, checkpointAt: 900_000, priority: 1 }),
    ];
    const p = plan(input(snap, [job({ id: 'p', cpu: 2 })], { running, now: 1_000_000 }));
    expect(preempts(p.actions).map((a) => a.jobId)).toEqual(['fresh2']);
  });

  it('gives back victims whose room is not needed', () => {
    const snap = snapshot([host({ id: 1, cpu: 4, cpuUsed: 4 })]);
    const running = [runningJob({ id: 'a', hostId: 1, cpu: 1, priority: 0 }), runningJob({ id: 'b', hostId: 1, cpu: 3, priority: 5 })];
    const p = plan(input(snap, [job({ id: 'p', cpu: 3 })], { running }));
    expect(preempts(p.actions).map((a) => a.jobId)).toEqual(['b']);
  });

  it('never preempts a prod job, and beff jobs never preempt', () => {
    const snap = snapshot([host({ id: 1, cpu: 2, cpuUsed: 2 })]);
    const running = [runningJob({ id: 'prod1', hostId: 1, cpu: 2, class: 'prod' })];
    const p = plan(input(snap, [job({ id: 'p', cpu: 2 })], { running }));
    expect(preempts(p.actions)).toEqual([]);
    const q = plan(input(snap, [job({ id: 'b', cpu: 2, class: 'beff' })], { running: [runningJob({ id: 'x', hostId: 1, cpu: 2 })] }));
    expect(preempts(q.actions)).toEqual([]);
  });

  it('does not preempt when preemption is off, and says so', () => {
    const snap = snapshot([host({ id: 1, cpu: 2, cpuUsed: 2 })]);
    const p = plan(input(snap, [job({ id: 'p', cpu: 2 })], { running: [runningJob({ id: 'x', hostId: 1, cpu: 2 })], policy: { preemption: false } }));
    expect(preempts(p.actions)).toEqual([]);
    expect(p.waiting.get('p')?.message).toMatch(/Preemption is off/);
  });

  it('uses a suspended victim’s room physically and deploys with enforce=false', () => {
    const snap = snapshot([host({ id: 1, cpu: 2, cpuUsed: 2 })]);
    const running = [runningJob({ id: 'x', hostId: 1, cpu: 2, preemptMode: 'suspend' })];
    const p = plan(input(snap, [job({ id: 'p', cpu: 2 })], { running }));
    expect(preempts(p.actions)[0]).toMatchObject({ mode: 'suspend' });
    expect((p.actions.at(-1) as DeployAction).enforce).toBe(false);
  });

  it('only preempts on hosts matching the job', () => {
    const snap = snapshot([host({ id: 1, cpu: 2, cpuUsed: 2, template: { HYPERVISOR: 'xen' } })]);
    const p = plan(input(snap, [job({ id: 'p', cpu: 2, requirements: 'HYPERVISOR = kvm' })], { running: [runningJob({ id: 'x', hostId: 1, cpu: 2 })] }));
    expect(preempts(p.actions)).toEqual([]);
  });
});
