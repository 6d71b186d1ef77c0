import { describe, expect, it } from 'vitest';
import { InvalidCursorError } from '../../lib/store';
import { useDynamoLocal } from '../helpers/dynamo';
import { freshRepository, newJob } from './newJob';

const dynamo = useDynamoLocal();

async function seeded() {
  const { repo } = await freshRepository(dynamo);
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) {
    const at = new Date(Date.UTC(2030, 0, 1, 0, 0, i)).toISOString();
    const { job } = await repo.create(newJob({ owner: i % 3 === 0 ? 'bob' : 'alice', class: i % 2 === 0 ? 'prod' : 'beff', service: i < 6 ? 'prod-service' : 'nrt-service' }, at));
    ids.push(job.id);
  }
  await repo.transition(ids[1]!, 'QUEUED', 'RUNNING', {}, { reason: 'started' });
  await repo.transition(ids[2]!, 'QUEUED', 'COMPLETED', {}, { reason: 'done' });
  return { repo, ids };
}

describe('DynamoJobRepository.list', () => {
  it('lists an owner\'s jobs newest first, filtered by state, class and service', async () => {
    // Prepare
    const { repo, ids } = await seeded();

    // Act
    const all = await repo.list({ owner: 'alice' });
    const running = await repo.list({ owner: 'alice', state: ['RUNNING', 'COMPLETED'] });
    const prodNrt = await repo.list({ owner: 'alice', class: 'prod', service: 'nrt-service' });

    // Assess
    const alices = ids.filter((_, i) => i % 3 !== 0).reverse();
    expect(all.jobs.map((j) => j.id)).toEqual(alices);
    expect(all.cursor).toBeUndefined();
    expect(running.jobs.map((j) => j.state)).toEqual(['COMPLETED', 'RUNNING']);
    expect(prodNrt.jobs.map((j) => j.id)).toEqual([ids[10], ids[8]]);
  });

  it('lists every owner\'s jobs without an owner', async () => {
    // Prepare
    const { repo, ids } = await seeded();

    // Act
    const page = await repo.list({}, 100);

    // Assess
    expect(page.jobs.map((j) => j.id)).toEqual([...ids].reverse());
  });

  it('pages with an opaque cursor until the end, with filters', async () => {
    // Prepare
    const { repo, ids } = await seeded();
    const seen: string[] = [];

    // Act
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await repo.list({ class: 'prod' }, 2, cursor);
      seen.push(...page.jobs.map((j) => j.id));
      cursor = page.cursor;
      pages++;
    } while (cursor !== undefined && pages < 20);

    // Assess
    expect(seen).toEqual(ids.filter((_, i) => i % 2 === 0).reverse());
  });

  it('refuses a cursor that is malformed or belongs to another query', async () => {
    // Prepare
    const { repo } = await seeded();
    const { cursor } = await repo.list({ owner: 'alice' }, 1);

    // Act
    // A forged key in another partition of the right index (found by the abuse suite): DynamoDB would refuse the query.
    const forged = Buffer.from(JSON.stringify({ v: 1, i: 'byCreated', o: null, k: { id: 'x', kind: 'not-job', createdKey: 'y' } })).toString('base64url');
    const results = await Promise.allSettled([repo.list({ owner: 'bob' }, 10, cursor), repo.list({}, 10, 'not-a-cursor'), repo.list({}, 10, forged)]);

    // Assess
    expect(cursor).toBeDefined();
    for (const r of results) expect(r).toMatchObject({ status: 'rejected', reason: expect.any(InvalidCursorError) });
  });
});
