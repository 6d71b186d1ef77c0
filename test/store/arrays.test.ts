import { describe, expect, it } from 'vitest';
import { countSpec, elementId } from '../../lib/domain/array';
import type { Job } from '../../lib/domain/job';
import { DynamoArrayRepository, JobStateConflictError, documentClient } from '../../lib/store';
import { elementOf } from '../../lib/lifecycle/arrays';
import { useDynamoLocal } from '../helpers/dynamo';
import { freshRepository, newJob } from './newJob';

const dynamo = useDynamoLocal();

async function fresh() {
  const { repo, tables, clock } = await freshRepository(dynamo);
  const arrays = new DynamoArrayRepository(documentClient(dynamo.client), { tables, retentionDays: 7, now: () => clock.now });
  return { repo, arrays };
}

const arrayJob = (size: number, limit?: number): Job => newJob({ id: `a${'0'.repeat(10)}${Math.random().toString(16).slice(2, 10).padEnd(16, '0')}`, array: countSpec(size, limit) });

describe('job arrays in the store', () => {
  it('an array of 10,000 is one item: out of the job queue, in its own partition', async () => {
    const { repo, arrays } = await fresh();
    dynamo.counting.reset();
    await repo.create(newJob());
    const oneJob = dynamo.counting.counts();
    dynamo.counting.reset();
    const { job: array } = await repo.create(arrayJob(10_000));
    const anArray = dynamo.counting.counts();
    // One item written, costing no more than one job (which is in one more index: its owner's unfinished).
    expect(anArray.byOperation.PutItem!.calls).toBe(1);
    expect(anArray.calls).toBe(1);
    expect(anArray.writeUnits).toBeLessThanOrEqual(oneJob.writeUnits);
    expect((await repo.unfinished()).map((j) => j.id)).not.toContain(array.id);
    expect((await arrays.unfinishedArrays()).map((a) => a.id)).toEqual([array.id]);
    // Nor does it count against its owner's limit: its elements do, once made.
    expect(await repo.countUnfinished('alice', 10)).toBe(1);
  });

  it('makes elements with the array\'s count in one write, once: a second writer with the same count writes nothing', async () => {
    const { repo, arrays } = await fresh();
    const { job: array } = await repo.create(arrayJob(5));
    const first = [0, 1].map((k) => elementOf(array, k, Date.parse('2030-01-01T00:00:01Z')));
    expect(await arrays.materialise(array, first)).toBe(true);
    // The same step again (a tick that read the array before): refused whole.
    expect(await arrays.materialise(array, first)).toBe(false);
    const [after] = await arrays.unfinishedArrays();
    expect(after).toMatchObject({ state: 'RUNNING', array: { materialised: 2, size: 5 } });
    expect((await repo.unfinished()).map((j) => j.id)).toEqual([elementId(array.id, 0), elementId(array.id, 1)]);
    expect((await arrays.elements(after!)).map((e) => [e.arrayIndex, e.arraySize, e.state])).toEqual([[0, 5, 'QUEUED'], [1, 5, 'QUEUED']]);
  });

  it('lists an array as one row, its elements only when asked', async () => {
    const { repo, arrays } = await fresh();
    const { job: array } = await repo.create(arrayJob(3));
    const { job: single } = await repo.create(newJob({}, '2030-01-01T00:00:05.000Z'));
    await arrays.materialise(array, [0, 1, 2].map((k) => elementOf(array, k, Date.parse('2030-01-01T00:00:10Z'))));

    const folded = await repo.list({ owner: 'alice' });
    const unfolded = await repo.list({ owner: 'alice', elements: true });

    expect(folded.jobs.map((j) => j.id)).toEqual([single.id, array.id]);
    expect(unfolded.jobs.map((j) => j.id).sort()).toEqual([single.id, array.id, ...[0, 1, 2].map((i) => elementId(array.id, i))].sort());
  });

  it('an ended array leaves the queue; no element is made after it ended', async () => {
    const { repo, arrays } = await fresh();
    const { job: array } = await repo.create(arrayJob(4));
    const ended = await arrays.finish(array.id, ['QUEUED', 'RUNNING'], 'CANCELLED', 'cancelled by alice');
    expect(ended).toMatchObject({ state: 'CANCELLED', reason: 'cancelled by alice' });
    expect(ended.history.at(-1)).toMatchObject({ to: 'CANCELLED', reason: 'cancelled by alice' });
    expect(await arrays.unfinishedArrays()).toEqual([]);
    expect(await arrays.materialise(array, [elementOf(array, 0, Date.now())])).toBe(false);
    expect(await repo.get(elementId(array.id, 0))).toBeUndefined();
    await expect(arrays.finish(array.id, ['QUEUED', 'RUNNING'], 'COMPLETED', 'all ended')).rejects.toBeInstanceOf(JobStateConflictError);
  });
});
