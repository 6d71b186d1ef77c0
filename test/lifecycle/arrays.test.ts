import { describe, expect, it } from 'vitest';
import { countSpec, parseArraySpec, ArraySpecError, formatArraySpec } from '../../lib/domain/array';
import type { Job, JobState } from '../../lib/domain/job';
import { batchSize, elementOf, FIRST_BATCH, MAX_BATCH } from '../../lib/lifecycle/arrays';
import { newJob } from '../store/newJob';

const array = (size: number, materialised: number, limit?: number): Job =>
  newJob({ id: 'a0000000000aaaaaaaaaaaaaaaa', array: { ...countSpec(size, limit), materialised } });
const elements = (...states: JobState[]) => states.map((state, i) => newJob({ id: `e${i}`, state }));

describe('index ranges', () => {
  it('reads Slurm\'s START-END[:STEP][%LIMIT]', () => {
    expect(parseArraySpec('0-24%5')).toEqual({ start: 0, end: 24, step: 1, size: 25, limit: 5, materialised: 0 });
    expect(parseArraySpec('1-9:2')).toMatchObject({ size: 5 });
    expect(formatArraySpec(parseArraySpec('3-7:2%2'))).toBe('3-7:2%2');
  });

  it('refuses a range it cannot use, saying why', () => {
    expect(() => parseArraySpec('5-2')).toThrow(/ends \(2\) before it starts \(5\)/);
    expect(() => parseArraySpec('0-10000')).toThrow(ArraySpecError);
    expect(() => parseArraySpec('a-b')).toThrow(/START-END/);
    expect(() => countSpec(0)).toThrow(/count/);
  });
});

describe('how many elements the tick makes', () => {
  it('a few at first, then as many as run, up to the most', () => {
    expect(batchSize(array(10_000, 0), [])).toBe(FIRST_BATCH);
    expect(batchSize(array(10_000, 20), elements(...Array<JobState>(20).fill('RUNNING')))).toBe(20);
    expect(batchSize(array(10_000, 100), elements(...Array<JobState>(100).fill('RUNNING')))).toBe(MAX_BATCH);
    expect(batchSize(array(25, 22), elements('RUNNING'))).toBe(3);
  });

  it('none while one of its elements waits for room', () => {
    expect(batchSize(array(10_000, 4), elements('RUNNING', 'QUEUED', 'RUNNING', 'RUNNING'))).toBe(0);
  });

  it('never more unfinished than the concurrency limit', () => {
    expect(batchSize(array(6, 0, 2), [])).toBe(2);
    expect(batchSize(array(6, 2, 2), elements('RUNNING', 'DISPATCHING'))).toBe(0);
    expect(batchSize(array(6, 3, 2), elements('RUNNING'))).toBe(1);
  });

  it('an element is the array\'s request with its own id, index and history', () => {
    const e = elementOf(newJob({ id: 'a0000000000aaaaaaaaaaaaaaaa', array: parseArraySpec('10-20:5'), lifetime: 60, history: [{ at: 'x', to: 'QUEUED', reason: 'submitted' }] }), 1, Date.parse('2030-01-01T00:00:00Z'));
    expect(e).toMatchObject({ id: 'a0000000000aaaaaaaaaaaaaaaa_15', arrayIndex: 15, arraySize: 3, lifetime: 60, state: 'QUEUED', attempts: 0 });
    expect(e.array).toBeUndefined();
    expect(e.history).toEqual([{ at: '2030-01-01T00:00:00.000Z', to: 'QUEUED', reason: 'element 15 of array a0000000000aaaaaaaaaaaaaaaa' }]);
  });
});
