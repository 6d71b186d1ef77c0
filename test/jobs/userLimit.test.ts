/**
 * Per-user limit (config jobs.maxUnfinishedPerUser): a user at the limit gets 429 with what to
 * do; other users are not affected; finished jobs do not count, and counting reads only the
 * user's unfinished jobs (a sparse, keys-only index), never a Scan.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useDynamoLocal } from '../helpers/dynamo';
import { loadConfig } from '../../lib/config';
import { openStoreWith } from '../../lib/store';
import { JobService } from '../../lib/jobs/service';
import { UserJobLimitError } from '../../lib/jobs/errors';
import { asHttpError } from '../../lib/http/middleware';
import type { Cloud } from '../../lib/lifecycle/ports';

const dynamo = useDynamoLocal();
const CONFIG = fileURLToPath(new URL('../../local/svmsched.xml', import.meta.url));
const alice = { user: 'alice', role: 'user' as const };
const bob = { user: 'bob', role: 'user' as const };
const root = { user: 'root', role: 'admin' as const };

async function service(maxUnfinishedPerUser: number) {
  const loaded = await loadConfig(CONFIG, { SVMSCHED_ONE_PASSWORD: 'x' });
  const config = { ...loaded, jobs: { ...loaded.jobs, maxUnfinishedPerUser } };
  const store = openStoreWith(dynamo.client, await dynamo.freshTables(), config);
  // No job here gets a VM: the cloud is never called.
  const jobs = new JobService({ repo: store.jobs, config, cloud: {} as Cloud, clock: Date.now, kick: async () => {} });
  return { jobs, store };
}

const submit = (jobs: JobService, caller: typeof alice | typeof root) => jobs.submit(caller, { service: 'nrt-service', args: ['1'] });

describe('per-user limit on unfinished jobs', () => {
  it('refuses a submit over the limit with 429, for that user only, admins included', async () => {
    // Prepare
    const { jobs } = await service(3);
    for (let i = 0; i < 3; i++) await submit(jobs, alice);

    // Act
    const refused = await submit(jobs, alice).catch((e: unknown) => e);
    const other = await submit(jobs, bob);
    for (let i = 0; i < 3; i++) await submit(jobs, root);
    const admin = await submit(jobs, root).catch((e: unknown) => e);

    // Assess
    expect(refused).toBeInstanceOf(UserJobLimitError);
    expect(asHttpError(refused)).toMatchObject({ statusCode: 429, code: 'too_many_requests' });
    expect((refused as Error).message).toMatch(/alice already has 3 unfinished jobs.*jobs\.maxUnfinishedPerUser.*cancel/);
    expect(other.state).toBe('QUEUED');
    expect(admin).toBeInstanceOf(UserJobLimitError);
  });

  it('counts only unfinished jobs: a cancelled one makes room again', async () => {
    // Prepare
    const { jobs, store } = await service(2);
    const first = await submit(jobs, alice);
    await submit(jobs, alice);

    // Act
    await jobs.cancel(alice, first.id);
    const again = await submit(jobs, alice);
    const full = await submit(jobs, alice).catch((e: unknown) => e);

    // Assess
    expect(again.state).toBe('QUEUED');
    expect(full).toBeInstanceOf(UserJobLimitError);
    expect(await store.jobs.countUnfinished('alice', 100)).toBe(2);
  });

  it('counts no further than asked, from the sparse index, whatever the user\'s finished history', async () => {
    // Prepare
    const { jobs, store } = await service(0);
    for (let i = 0; i < 30; i++) {
      const j = await submit(jobs, alice);
      if (i >= 5) await store.jobs.transition(j.id, 'QUEUED', 'CANCELLED', {}, { reason: 'test' });
    }
    dynamo.counting.reset();

    // Act
    const all = await store.jobs.countUnfinished('alice', 1000);
    const capped = await store.jobs.countUnfinished('alice', 3);
    const none = await store.jobs.countUnfinished('nobody', 1000);

    // Assess
    expect([all, capped, none]).toEqual([5, 3, 0]);
    const ops = dynamo.counting.counts().byOperation;
    expect(Object.keys(ops)).toEqual(['Query']);
    expect(ops.Query!.calls).toBe(3);
  });
});
