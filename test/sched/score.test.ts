import { describe, expect, it } from 'vitest';
import { plan } from '../../lib/sched';
import type { DeployAction } from '../../lib/sched/contract';
import { host, input, job, snapshot } from './helpers';

const hostsOf = (actions: readonly unknown[]): number[] => (actions as DeployAction[]).map((a) => a.hostId);
const three = () => snapshot([host({ id: 1, runningVms: 0 }), host({ id: 2, runningVms: 1 }), host({ id: 3, runningVms: 5, cpu: 16 })]);
const jobs = () => [job({ id: 'a' }), job({ id: 'b' }), job({ id: 'c' })];

describe('rank policies', () => {
  it('packing prefers the host with most running VMs', () => {
    expect(hostsOf(plan(input(three(), jobs(), { policy: { host: { policy: 0 }, rankMode: 'opennebula' } })).actions)).toEqual([3, 3, 3]);
  });

  it('striping as OpenNebula ranks once per run: every job to the emptiest host of the snapshot', () => {
    expect(hostsOf(plan(input(three(), jobs(), { policy: { host: { policy: 1 }, rankMode: 'opennebula' } })).actions)).toEqual([1, 1, 1]);
  });

  it('dynamic striping really spreads within one plan', () => {
    expect(hostsOf(plan(input(three(), jobs(), { policy: { host: { policy: 1 }, rankMode: 'dynamic' } })).actions)).toEqual([1, 1, 2]);
  });

  it('load-aware prefers the most FREE_CPU, custom and job ranks replace the policy', () => {
    expect(hostsOf(plan(input(three(), [job({ id: 'a' })], { policy: { host: { policy: 2 } } })).actions)).toEqual([3]);
    expect(hostsOf(plan(input(three(), [job({ id: 'a' })], { policy: { host: { policy: 3, rank: '- ID' } } })).actions)).toEqual([1]);
    expect(hostsOf(plan(input(three(), [job({ id: 'a', rank: 'ID' })])).actions)).toEqual([3]);
  });

  it('fixed ranks by PRIORITY, ties to the lowest host id', () => {
    const snap = snapshot([host({ id: 4, template: { PRIORITY: 5 } }), host({ id: 2, template: { PRIORITY: 5 } }), host({ id: 3, template: { PRIORITY: 1 } })]);
    expect(hostsOf(plan(input(snap, [job({ id: 'a' })], { policy: { host: { policy: 4 } } })).actions)).toEqual([2]);
  });
});
