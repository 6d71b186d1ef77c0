import type { Job } from '../../lib/domain/job';
import type { Vm } from '../../lib/sched/snapshot';
import { newJob } from '../store/newJob';

/** A VM as lib/one parses it, with only what a test cares about set. */
export function vm(over: Partial<Vm> & Pick<Vm, 'id'>): Vm {
  return {
    name: `vm-${over.id}`, uid: 0, gid: 0, state: 'ACTIVE', lcmState: 'RUNNING', cpu: 1, vcpu: 1, memoryMb: 512,
    disks: [], nics: [], schedRequirements: '', schedRank: '', schedDsRequirements: '', schedDsRank: '',
    automaticRequirements: '', automaticDsRequirements: '', automaticNicRequirements: '', resched: false, stime: 0, etime: 0,
    ...over,
  };
}

/** A job as the service builds it (test/store/newJob.ts), here a running-class default with no history. */
export function job(over: Partial<Job> & Pick<Job, 'id'>): Job {
  return newJob({ service: 'prod-service', class: 'prod', args: [], history: [], ...over });
}
