/** What the optimiser leaves to the tick: VMs on their way somewhere, and VMs about to end. */
import { describe, expect, it } from 'vitest';
import { vmsToLeaveAlone } from '../../lib/lifecycle/optimize';
import { job } from '../helpers/builders';

const now = Date.parse('2026-01-01T01:00:00.000Z');

describe('vmsToLeaveAlone', () => {
  it('names the VMs of jobs being dispatched, preempted or resumed, and of lifetimes ending within five minutes', () => {
    // Prepare
    const jobs = [
      job({ id: 'a', state: 'RUNNING', vmId: 1 }),
      job({ id: 'b', state: 'DISPATCHING', vmId: 2 }),
      job({ id: 'c', state: 'PREEMPTING', vmId: 3 }),
      job({ id: 'd', state: 'PREEMPTED', vmId: 4 }),
      job({ id: 'e', state: 'RESUMING', vmId: 5 }),
      job({ id: 'f', state: 'RUNNING', vmId: 6, lifetimeEndsAt: '2026-01-01T01:04:00.000Z' }),
      job({ id: 'g', state: 'RUNNING', vmId: 7, lifetimeEndsAt: '2026-01-01T02:00:00.000Z' }),
      job({ id: 'h', state: 'QUEUED' }),
    ];
    // Act
    const alone = vmsToLeaveAlone(jobs, now);
    // Assess
    expect([...alone].sort()).toEqual([2, 3, 4, 5, 6]);
  });
});
