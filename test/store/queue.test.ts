import { describe, expect, it } from 'vitest';
import { FINAL_STATES } from '../../lib/domain/job';
import { useDynamoLocal } from '../helpers/dynamo';
import { freshRepository, newJob } from './newJob';

const dynamo = useDynamoLocal();

describe('DynamoJobRepository.unfinished', () => {
  it('holds every unfinished job and no finished one', async () => {
    // Prepare
    const { repo } = await freshRepository(dynamo);
    const jobs = await Promise.all(Array.from({ length: 8 }, () => repo.create(newJob())));
    const [running, preempted, ...rest] = jobs.map((j) => j.job.id);
    await repo.transition(running!, 'QUEUED', 'RUNNING', {}, { reason: 'started' });
    await repo.transition(preempted!, 'QUEUED', 'PREEMPTED', {}, { reason: 'preempted' });
    for (const [i, state] of FINAL_STATES.entries()) await repo.transition(rest[i]!, 'QUEUED', state, {}, { reason: 'ended' });

    // Act
    const queue = await repo.unfinished();

    // Assess
    expect(queue.map((j) => j.id).sort()).toEqual([running, preempted, ...rest.slice(FINAL_STATES.length)].sort());
    expect(queue.every((j) => !FINAL_STATES.includes(j.state))).toBe(true);
  });

  it('orders prod before beff, higher priority first, then oldest', async () => {
    // Prepare
    const { repo } = await freshRepository(dynamo);
    const submit = async (name: string, cls: 'prod' | 'beff', priority: number, at: string) =>
      [name, (await repo.create(newJob({ class: cls, priority }, new Date(at).toISOString()))).job.id] as const;
    const ids = new Map([
      await submit('beff-old', 'beff', 0, '2030-01-01T00:00:01Z'),
      await submit('prod-low', 'prod', -5, '2030-01-01T00:00:02Z'),
      await submit('beff-high', 'beff', 10, '2030-01-01T00:00:03Z'),
      await submit('prod-new', 'prod', 0, '2030-01-01T00:00:05Z'),
      await submit('prod-old', 'prod', 0, '2030-01-01T00:00:04Z'),
    ]);
    const nameOf = new Map([...ids].map(([name, id]) => [id, name]));

    // Act
    const queue = await repo.unfinished();

    // Assess
    expect(queue.map((j) => nameOf.get(j.id))).toEqual(['prod-old', 'prod-new', 'prod-low', 'beff-high', 'beff-old']);
  });

  it('takes a job back when it leaves a final state', async () => {
    // Prepare
    const { repo } = await freshRepository(dynamo);
    const { job } = await repo.create(newJob());
    await repo.transition(job.id, 'QUEUED', 'FAILED', {}, { reason: 'boot failed' });

    // Act
    await repo.transition(job.id, 'FAILED', 'QUEUED', {}, { reason: 'retried by an admin' });

    // Assess
    expect((await repo.unfinished()).map((j) => j.id)).toEqual([job.id]);
  });

  it('never holds a job created in a final state', async () => {
    // Prepare
    const { repo } = await freshRepository(dynamo);

    // Act
    await repo.create(newJob({ state: 'CANCELLED' }));

    // Assess
    expect(await repo.unfinished()).toEqual([]);
  });
});
