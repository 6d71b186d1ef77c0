import { describe, expect, it } from 'vitest';
import { DynamoLeaseRepository } from '../../lib/store';
import { useDynamoLocal } from '../helpers/dynamo';

const dynamo = useDynamoLocal();
const T0 = Date.UTC(2030, 0, 1);

async function leases() {
  const { leases: table } = await dynamo.freshTables();
  return new DynamoLeaseRepository(dynamo.doc, table);
}

describe('DynamoLeaseRepository', () => {
  it('gives the lease to one holder at a time', async () => {
    // Prepare
    const lease = await leases();

    // Act
    const results = await Promise.all(['tick-a', 'tick-b', 'tick-c', 'tick-d'].map((owner) => lease.acquire('tick', owner, 60_000, T0)));

    // Assess
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await lease.acquire('tick', 'tick-z', 60_000, T0 + 1_000)).toBe(false);
  });

  it('passes to another holder once expired, and the former holder cannot renew it', async () => {
    // Prepare
    const lease = await leases();
    await lease.acquire('tick', 'tick-a', 60_000, T0);

    // Act
    const early = await lease.acquire('tick', 'tick-b', 60_000, T0 + 59_999);
    const late = await lease.acquire('tick', 'tick-b', 60_000, T0 + 60_001);
    const renewByLoser = await lease.renew('tick', 'tick-a', 60_000, T0 + 60_002);

    // Assess
    expect([early, late, renewByLoser]).toEqual([false, true, false]);
  });

  it('renews for its holder and frees on release, only by its holder', async () => {
    // Prepare
    const lease = await leases();
    await lease.acquire('tick', 'tick-a', 1_000, T0);

    // Act
    const renewed = await lease.renew('tick', 'tick-a', 1_000, T0 + 900);
    const blocked = await lease.acquire('tick', 'tick-b', 1_000, T0 + 1_500);
    await lease.release('tick', 'tick-b');
    const stillBlocked = await lease.acquire('tick', 'tick-b', 1_000, T0 + 1_600);
    await lease.release('tick', 'tick-a');
    const taken = await lease.acquire('tick', 'tick-b', 1_000, T0 + 1_700);

    // Assess
    expect([renewed, blocked, stillBlocked, taken]).toEqual([true, false, false, true]);
  });

  it('keeps leases of different names apart', async () => {
    // Prepare
    const lease = await leases();

    // Act
    const tick = await lease.acquire('tick', 'a', 60_000, T0);
    const optimize = await lease.acquire('optimize', 'b', 60_000, T0);

    // Assess
    expect([tick, optimize]).toEqual([true, true]);
  });
});
