/** A job's history as the console's timeline: one segment per state, the open one up to now, a final one without length. */
import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../../lib/domain/job';
import { isPreemption, isResume, segments } from '../../lib/console/timeline';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const ev = (s: number, to: JobEvent['to'], extra: Partial<JobEvent> = {}): JobEvent => ({ at: at(s), to, reason: to.toLowerCase(), ...extra });

describe('timeline segments', () => {
  const preempted = [ev(0, 'QUEUED'), ev(1, 'DISPATCHING'), ev(3, 'RUNNING'), ev(10, 'PREEMPTING', { by: 'j2' }), ev(12, 'PREEMPTED'), ev(20, 'RESUMING'), ev(21, 'RUNNING')];

  it('runs each state from its transition to the next, and the current one up to now', () => {
    const now = Date.parse(at(30));
    expect(segments(preempted, now).map((s) => [s.state, s.start, s.end])).toEqual([
      ['QUEUED', 0, 1], ['DISPATCHING', 1, 3], ['RUNNING', 3, 10], ['PREEMPTING', 10, 12], ['PREEMPTED', 12, 20], ['RESUMING', 20, 21], ['RUNNING', 21, 30],
    ]);
  });

  it('gives a final state no length, whatever the time now', () => {
    const done = [...preempted, ev(40, 'COMPLETED')];
    expect(segments(done, Date.parse(at(99))).at(-1)).toMatchObject({ state: 'COMPLETED', start: 40, end: 40 });
  });

  it('never ends a segment before it starts when the clocks disagree', () => {
    const s = segments([ev(0, 'QUEUED'), ev(5, 'RUNNING')], Date.parse(at(2)));
    expect(s.at(-1)).toMatchObject({ start: 5, end: 5 });
  });

  it('has nothing to draw without history, and tells preemption and resume events apart', () => {
    expect(segments([], 0)).toEqual([]);
    expect(preempted.filter(isPreemption).map((e) => e.to)).toEqual(['PREEMPTING', 'PREEMPTED']);
    expect(preempted.filter(isResume).map((e) => e.to)).toEqual(['RESUMING']);
  });
});
