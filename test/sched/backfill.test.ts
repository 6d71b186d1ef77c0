import { describe, expect, it } from 'vitest';
import { plan } from '../../lib/sched';
import type { Backfill, DeployAction } from '../../lib/sched/contract';
import { host, input, job, runningJob, snapshot } from './helpers';

const NOW = Date.UTC(2024, 0, 1, 14, 0);
const MIN = 60_000;

/** Host 1: 8 CPU, 6 used by a job ending at 14:05; host 2: 8 CPU, full for ever. Queue: A needs 4, B is short, C is long. */
function scene(backfill: Backfill | undefined) {
  const snap = snapshot([host({ id: 1, cpu: 8, cpuUsed: 6, memMb: 16384 }), host({ id: 2, cpu: 8, cpuUsed: 8, memMb: 16384 })]);
  const running = [
    runningJob({ id: 'r1', hostId: 1, cpu: 6, class: 'prod', expectedEndAt: NOW + 5 * MIN }),
    runningJob({ id: 'r2', hostId: 2, cpu: 8, class: 'prod' }),
  ];
  const queue = [
    job({ id: 'A', cpu: 4, submittedAt: 1 }),
    job({ id: 'B', cpu: 2, submittedAt: 2, runtimeEstimate: 240 }),
    job({ id: 'C', cpu: 2, submittedAt: 3, runtimeEstimate: 3600 }),
  ];
  return plan(input(snap, queue, { running, now: NOW, policy: backfill ? { backfill } : {} }));
}

const deployed = (p: ReturnType<typeof plan>) => p.actions.filter((a): a is DeployAction => a.type === 'deploy').map((a) => a.jobId);

describe('backfill', () => {
  it('greedy (and absent) lets any job that fits start past the first in line', () => {
    expect(deployed(scene(undefined))).toEqual(['B']);
    expect(deployed(scene('greedy'))).toEqual(['B']);
    // Greedy fills the 2 free CPUs with B; C finds no room either way.
    expect(scene('greedy').waiting.get('C')?.code).toBe('queue.behind');
  });

  it('easy reserves host 1 from 14:05 for A, backfills B that ends by then, and holds C back', () => {
    const p = scene('easy');
    expect(deployed(p)).toEqual(['B']);
    const a = p.waiting.get('A')!;
    expect(a.code).toBe('queue.firstInLine');
    expect(a.message).toBe('first in line: host host1 reserved from 14:05 UTC (1 job running there end by then).');
    expect(a.details).toMatchObject({ hostId: 1, from: NOW + 5 * MIN, ending: 1 });
    const b = p.actions.find((x): x is DeployAction => x.type === 'deploy' && x.jobId === 'B')!;
    expect(b.shadow).toEqual({ jobId: 'A', hostId: 1, hostName: 'host1', from: NOW + 5 * MIN });
  });

  it('easy keeps the reserved room: a long job does not start there, a short one does', () => {
    // Only C (long) behind A (7 of the 8 CPUs at 14:05: 1 left over): greedy would start it, easy does not.
    const snap = snapshot([host({ id: 1, cpu: 8, cpuUsed: 6 })]);
    const running = [runningJob({ id: 'r1', hostId: 1, cpu: 6, class: 'prod', expectedEndAt: NOW + 5 * MIN })];
    const queue = [job({ id: 'A', cpu: 7, submittedAt: 1 }), job({ id: 'C', cpu: 2, submittedAt: 2, runtimeEstimate: 3600 })];
    expect(deployed(plan(input(snap, queue, { running, now: NOW, policy: { backfill: 'greedy' } })))).toEqual(['C']);
    const p = plan(input(snap, queue, { running, now: NOW, policy: { backfill: 'easy' } }));
    expect(deployed(p)).toEqual([]);
    expect(p.waiting.get('C')).toMatchObject({ code: 'queue.reserved', details: { reservedFor: 'A', hostId: 1, from: NOW + 5 * MIN } });
    const short = plan(input(snap, [queue[0], { ...queue[1], runtimeEstimate: 300 }], { running, now: NOW, policy: { backfill: 'easy' } }));
    expect(deployed(short)).toEqual(['C']);
  });

  it('easy lets a job use the room the reserved job leaves over at its reservation', () => {
    // At 14:05 host 1 has 8 free; A needs 4: 4 are extra. D (2 CPU, no estimate) fits in them.
    const snap = snapshot([host({ id: 1, cpu: 8, cpuUsed: 6 })]);
    const running = [runningJob({ id: 'r1', hostId: 1, cpu: 6, class: 'prod', expectedEndAt: NOW + 5 * MIN })];
    const queue = [job({ id: 'A', cpu: 8 - 2, submittedAt: 1 }), job({ id: 'D', cpu: 2, submittedAt: 2 })];
    const p = plan(input(snap, queue, { running, now: NOW, policy: { backfill: 'easy' } }));
    expect(deployed(p)).toEqual(['D']);
  });

  it('easy gives no reservation when the running jobs have no expected end, and says so', () => {
    const snap = snapshot([host({ id: 1, cpu: 8, cpuUsed: 6 })]);
    const running = [runningJob({ id: 'r1', hostId: 1, cpu: 6, class: 'prod' })];
    const p = plan(input(snap, [job({ id: 'A', cpu: 4 }), job({ id: 'C', cpu: 2, runtimeEstimate: 3600 })], { running, now: NOW, policy: { backfill: 'easy' } }));
    expect(deployed(p)).toEqual(['C']);
    expect(p.waiting.get('A')?.message).toMatch(/No reservation: the jobs running where it fits have no expected end/);
  });

  it('none starts nothing past the first job waiting for room, but a job that matches no host does not block', () => {
    const p = scene('none');
    expect(deployed(p)).toEqual([]);
    expect(p.waiting.get('B')).toMatchObject({ code: 'queue.blocked', details: { firstInLine: 'A' } });
    const snap = snapshot([host({ id: 1, cpu: 8 })]);
    const q = plan(input(snap, [job({ id: 'X', requirements: 'HYPERVISOR = "none"' }), job({ id: 'Y', cpu: 2 })], { policy: { backfill: 'none' } }));
    expect(deployed(q)).toEqual(['Y']);
  });

  it('preemption keeps its priority over a reservation: a prod job takes beff room on the reserved host', () => {
    // A (beff, first beff in line) reserves host 1; P (prod) comes first anyway. Here P is placed by preemption on host 1.
    const snap = snapshot([host({ id: 1, cpu: 8, cpuUsed: 8 })]);
    const running = [
      runningJob({ id: 'b1', hostId: 1, cpu: 4, class: 'beff', expectedEndAt: NOW + 60 * MIN }),
      runningJob({ id: 'p1', hostId: 1, cpu: 4, class: 'prod', expectedEndAt: NOW + 5 * MIN }),
    ];
    const p = plan(input(snap, [job({ id: 'P', cpu: 4, class: 'prod' }), job({ id: 'A', cpu: 8, class: 'beff' })], { running, now: NOW, policy: { backfill: 'easy' } }));
    expect(p.actions.map((a) => a.type)).toEqual(['preempt', 'deployAfterVictims']);
    expect(p.waiting.get('A')?.code).toBe('queue.firstInLine');
  });
});
