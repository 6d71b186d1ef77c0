import { describe, expect, it } from 'vitest';
import { plan } from '../../lib/sched';
import { compareIds, orderQueue } from '../../lib/sched/order';
import { host, input, job, snapshot } from './helpers';

describe('queue order', () => {
  it('takes prod before beff, then higher priority, then oldest, then id', () => {
    // Prepare
    const jobs = [
      job({ id: 'a', class: 'beff', priority: 9, submittedAt: 1 }),
      job({ id: 'b', class: 'prod', priority: 1, submittedAt: 5 }),
      job({ id: 'c', class: 'prod', priority: 2, submittedAt: 9 }),
      job({ id: 'd', class: 'prod', priority: 1, submittedAt: 2 }),
      job({ id: 'e', class: 'prod', priority: 1, submittedAt: 2 }),
    ];
    // Act
    const ids = orderQueue(jobs).map((j) => j.id);
    // Assess
    expect(ids).toEqual(['c', 'd', 'e', 'b', 'a']);
  });

  it('compares numeric ids as numbers', () => {
    expect(compareIds('9', '10')).toBeLessThan(0);
    expect(compareIds('b', 'a')).toBeGreaterThan(0);
  });

  it('backfills: a small job starts past a large one that cannot fit', () => {
    // Prepare
    const snap = snapshot([host({ id: 1, cpu: 2 })]);
    const big = job({ id: 'big', priority: 5, cpu: 4 });
    const small = job({ id: 'small', priority: 1, cpu: 1 });
    // Act
    const p = plan(input(snap, [big, small]));
    // Assess
    expect(p.actions.map((a) => a.type === 'deploy' && a.jobId)).toEqual(['small']);
    expect(p.waiting.get('big')?.code).toBe('capacity.cpu');
  });

  it('says how many jobs went first when they took the room', () => {
    // Prepare
    const snap = snapshot([host({ id: 1, cpu: 2 })]);
    // Act
    const p = plan(input(snap, [job({ id: 'x', cpu: 2, priority: 3 }), job({ id: 'y', cpu: 2 })]));
    // Assess
    expect(p.waiting.get('y')?.message).toMatch(/^behind 1 job of higher priority/);
  });
});
