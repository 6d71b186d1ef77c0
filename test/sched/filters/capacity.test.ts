import { describe, expect, it } from 'vitest';
import { plan } from '../../../lib/sched';
import { host, input, job, snapshot } from '../helpers';

describe('capacity filter', () => {
  it('counts capacity promised by earlier actions of the same plan', () => {
    const snap = snapshot([host({ id: 1, cpu: 4, memMb: 4096 })]);
    const p = plan(input(snap, [job({ id: 'a', cpu: 3 }), job({ id: 'b', cpu: 2 }), job({ id: 'c', cpu: 1, memoryMb: 8192 })]));
    expect(p.actions.map((a) => a.type === 'deploy' && a.jobId)).toEqual(['a']);
    expect(p.waiting.get('c')?.code).toBe('capacity.memory');
  });

  it('applies reserved capacity unless told to trust MAX_CPU', () => {
    const snap = snapshot([host({ id: 1, cpu: 4, reservedCpu: '50%' })]);
    expect(plan(input(snap, [job({ id: 'a', cpu: 3 })])).actions).toHaveLength(0);
    expect(plan(input(snap, [job({ id: 'a', cpu: 3 })], { policy: { applyReserved: false } })).actions).toHaveLength(1);
  });

  it('limits dispatches per host with MAX_HOST', () => {
    const snap = snapshot([host({ id: 1, cpu: 8 })]);
    const p = plan(input(snap, [job({ id: 'a' }), job({ id: 'b' })], { policy: { maxHost: 1 } }));
    expect(p.actions).toHaveLength(1);
    expect(p.waiting.get('b')?.code).toBe('capacity.dispatchLimit');
  });

  it('skips hosts that are not monitored and enabled', () => {
    const snap = snapshot([host({ id: 1, state: 'DISABLED' }), host({ id: 2, state: 'ERROR' })]);
    expect(plan(input(snap, [job({ id: 'a' })])).waiting.get('a')?.code).toBe('hosts.none');
  });
});
