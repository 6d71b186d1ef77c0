import { describe, expect, it } from 'vitest';
import { plan } from '../../lib/sched';
import type { Vm } from '../../lib/sched/snapshot';
import { host, input, job, runningJob, snapshot } from './helpers';

describe('lifetimes, deadlines, resumes, resched', () => {
  it('terminates jobs at their lifetime and reuses their room in the same plan', () => {
    const snap = snapshot([host({ id: 1, cpu: 2, cpuUsed: 2 })]);
    const running = [runningJob({ id: 'old', hostId: 1, cpu: 2, class: 'prod', lifetimeEndsAt: 500 })];
    const p = plan(input(snap, [job({ id: 'n', cpu: 2 })], { running, now: 1000 }));
    expect(p.actions).toMatchObject([{ type: 'terminate', jobId: 'old', reason: 'lifetime' }, { type: 'deploy', jobId: 'n', hostId: 1 }]);
  });

  it('fails a job still waiting past its pending deadline, not one that can start', () => {
    const snap = snapshot([host({ id: 1, cpu: 2 })]);
    const p = plan(input(snap, [job({ id: 'fits', cpu: 1, pendingDeadline: 10 }), job({ id: 'late', cpu: 4, pendingDeadline: 10 })], { now: 1000 }));
    expect(p.actions.map((a) => a.type)).toEqual(['deploy', 'fail']);
    expect(p.actions[1]).toMatchObject({ jobId: 'late' });
    expect(p.waiting.has('late')).toBe(false);
  });

  it('resumes a stopped job on any matching host, a suspended one only on its host', () => {
    const snap = snapshot([host({ id: 1, cpu: 2, cpuUsed: 2 }), host({ id: 2, cpu: 2 })]);
    const running = [runningJob({ id: 's', hostId: 1, cpu: 2, state: 'PREEMPTED', preemptMode: 'suspend' })];
    const queue = [
      job({ id: 'st', vmId: 7, cpu: 2, preempted: { mode: 'stop', hostId: 1 } }),
      job({ id: 's', vmId: 8, cpu: 2, preempted: { mode: 'suspend', hostId: 1, datastoreId: 0 } }),
    ];
    const p = plan(input(snap, queue, { running }));
    expect(p.actions).toMatchObject([{ type: 'resume', jobId: 'st', hostId: 2 }, { type: 'resume', jobId: 's', hostId: 1, datastoreId: 0 }]);
  });

  it('keeps a suspended job waiting while its host is physically full', () => {
    const snap = snapshot([host({ id: 1, cpu: 2, cpuUsed: 4 })]);
    const running = [runningJob({ id: 's', hostId: 1, cpu: 2, state: 'PREEMPTED', preemptMode: 'suspend' })];
    const p = plan(input(snap, [job({ id: 's', vmId: 8, cpu: 2, preempted: { mode: 'suspend', hostId: 1 } })], { running }));
    expect(p.waiting.get('s')?.code).toBe('resume.sameHost');
  });

  it('migrates a VM flagged resched to another matching host', () => {
    const vm: Vm = {
      id: 42, name: 'v', uid: 0, gid: 0, state: 'ACTIVE', lcmState: 'RUNNING', hostId: 1, datastoreId: 0, cpu: 1, vcpu: 1, memoryMb: 512,
      disks: [], nics: [], schedRequirements: '', schedRank: '', schedDsRequirements: '', schedDsRank: '', automaticRequirements: '',
      automaticDsRequirements: '', automaticNicRequirements: '', resched: true, stime: 1, etime: 0,
    };
    const snap = snapshot([host({ id: 1 }), host({ id: 2 })], { vms: [vm] });
    const p = plan(input(snap, []));
    expect(p.actions).toEqual([{ type: 'migrate', vmId: 42, hostId: 2, datastoreId: 0 }]);
  });
});
