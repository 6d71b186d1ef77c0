import { describe, expect, it } from 'vitest';
import { DynamoLeaseRepository } from '../../lib/store';
import { useDynamoLocal } from '../helpers/dynamo';

const dynamo = useDynamoLocal();

async function leases() {
  const { leases: table } = await dynamo.freshTables();
  const clock = { ms: Date.UTC(2030, 0, 1) };
  return { clock, lease: new DynamoLeaseRepository(dynamo.doc, table, 'tick', () => clock.ms) };
}

describe('DynamoLeaseRepository', () => {
  it('gives the lease to one holder at a time', async () => {
    // Prepare
    const { lease } = await leases();

    // Act
    const results = await Promise.all(['tick-a', 'tick-b', 'tick-c', 'tick-d'].map((owner) => lease.acquire(owner, 60_000)));

    // Assess
    const holders = results.filter((r) => r !== undefined);
    expect(holders).toHaveLength(1);
    expect(await lease.acquire('tick-z', 60_000)).toBeUndefined();
  });

  it('passes to another holder once expired, with a higher fence', async () => {
    // Prepare
    const { lease, clock } = await leases();
    const first = await lease.acquire('tick-a', 60_000);
    clock.ms += 60_001;

    // Act
    const second = await lease.acquire('tick-b', 60_000);
    const renewByLoser = await lease.renew('tick-a', 60_000);

    // Assess
    expect(second).toMatchObject({ owner: 'tick-b', expiresAt: clock.ms + 60_000 });
    expect(second!.fence).toBeGreaterThan(first!.fence);
    expect(renewByLoser).toBeUndefined();
  });

  it('renews for its holder and frees on release', async () => {
    // Prepare
    const { lease, clock } = await leases();
    await lease.acquire('tick-a', 1_000);
    clock.ms += 500;

    // Act
    const renewed = await lease.renew('tick-a', 1_000);
    const blocked = await lease.acquire('tick-b', 1_000);
    const releasedByOther = await lease.release('tick-b');
    const released = await lease.release('tick-a');
    const taken = await lease.acquire('tick-b', 1_000);

    // Assess
    expect(renewed).toMatchObject({ owner: 'tick-a', expiresAt: clock.ms + 1_000 });
    expect(blocked).toBeUndefined();
    expect(releasedByOther).toBe(false);
    expect(released).toBe(true);
    expect(taken).toMatchObject({ owner: 'tick-b' });
  });
});
