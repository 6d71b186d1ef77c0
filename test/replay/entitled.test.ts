/**
 * The entitled share the deviation is measured against: each tenant's weighted max-min fair
 * share (water-filling), never more than its demand, what one leaves going to the others by
 * share. On the burst of timeToGuarantee.test.ts, sharing gives b its half at once, so it
 * deviates less than a policy that lets a keep the cloud.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMING, simulate } from '../../lib/replay/engine';
import { POLICIES, replayPlannerPolicy } from '../../lib/replay/policies';
import { fairShares, tenantFigures } from '../../lib/replay/tenants';
import type { SimJob, Workload } from '../../lib/replay/workload';
import type { Tenant } from '../../lib/domain/tenant';

const close = (got: Float64Array, want: number[]): void => {
  expect(got.length).toBe(want.length);
  want.forEach((w, k) => expect(got[k]).toBeCloseTo(w, 9));
};

describe('fair shares (water-filling)', () => {
  it('splits by weight when every demand exceeds its part', () => {
    close(fairShares([1, 1, 1], [1, 2, 1], 1), [0.25, 0.5, 0.25]);
  });

  it('gives a small demand all it asks and the rest to the others by weight', () => {
    close(fairShares([0.1, 1, 1], [1, 1, 2], 1), [0.1, 0.3, 0.6]);
    // Demand below the cloud: everyone gets its demand.
    close(fairShares([0.1, 0.2, 0], [1, 1, 1], 1), [0.1, 0.2, 0]);
  });

  it('gives a tenant of weight 0 only what the weighted ones leave', () => {
    close(fairShares([0.3, 1], [1, 0], 1), [0.3, 0.7]);
    close(fairShares([2, 1], [1, 0], 1), [1, 0]);
  });
});

const job = (id: string, tenant: string, submit: number, work: number): SimJob =>
  ({ id, submit, work, cpu: 1, memoryMb: 1024, tenant, class: 'beff', priority: 0 });

describe('deviation from the entitled share', () => {
  it('is lower with sharing when a tenant reclaims its half from a borrower', () => {
    const workload: Workload = {
      name: 'burst',
      jobs: [
        ...Array.from({ length: 8 }, (_, k) => job(`a${k}`, 'a', 0, 20_000)),
        ...Array.from({ length: 8 }, (_, k) => job(`b${k}`, 'b', 600, 5_000)),
      ],
      cloud: { hosts: 1, hostCpus: 8, hostMemoryMb: 8 * 1024 },
      mapping: [], counts: {},
    };
    const tenants: Tenant[] = [{ id: 'a', share: 1, services: [], users: [] }, { id: 'b', share: 1, services: [], users: [] }];
    const run = (policy: string) => tenantFigures(simulate(workload, { policy: POLICIES[policy], timing: DEFAULT_TIMING, base: replayPlannerPolicy('striping'), startMs: 0, tenants }), tenants);
    const shares = run('shares').find((t) => t.id === 'b')!;
    const stop = run('stop').find((t) => t.id === 'b')!;
    expect(shares.bins).toBeGreaterThan(0);
    expect(stop.bins).toBeGreaterThan(0);
    expect(shares.deviationMean).toBeLessThan(stop.deviationMean);
    // Without reclaim, b runs nothing while a holds the cloud: half a cloud off its due for that stretch.
    expect(stop.deviationMean).toBeGreaterThan(0.2);
  });
});
