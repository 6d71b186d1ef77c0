import type { Job } from '../../lib/jobs/model';
import type { Vm } from '../../lib/sched/model';

/** A VM as lib/one parses it, with only what a test cares about set. */
export function vm(over: Partial<Vm> & Pick<Vm, 'id'>): Vm {
  return {
    name: `vm-${over.id}`, uid: 0, gid: 0, state: 'ACTIVE', lcmState: 'RUNNING', cpu: 1, vcpu: 1, memoryMb: 512,
    disks: [], nics: [], schedRequirements: '', schedRank: '', schedDsRequirements: '', schedDsRank: '',
    automaticRequirements: '', automaticDsRequirements: '', automaticNicRequirements: '', resched: false, stime: 0, etime: 0,
    ...over,
  };
}

export function job(over: Partial<Job> & Pick<Job, 'id'>): Job {
  const at = '2026-01-01T00:00:00.000Z';
  return {
    owner: 'alice', service: 'prod-service', class: 'prod', priority: 0, vcpu: 1, memory: 512, args: [],
    preemptMode: 'stop', state: 'QUEUED', createdAt: at, updatedAt: at, attempts: 0, excludedHosts: [], preemptions: 0,
    history: [], ...over,
  };
}
