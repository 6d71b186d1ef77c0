/**
 * Time to guarantee, on a workload small enough to know the answer: tenant a fills the cloud
 * with long best-effort jobs, tenant b (same share) submits a burst later. With sharing, b
 * reclaims its half from a at the next tick; without, it waits until a's jobs end. Times are
 * the replay's virtual clock, not the machine's.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMING, simulate } from '../../lib/replay/engine';
import { POLICIES, replayPlannerPolicy } from '../../lib/replay/policies';
import { tenantFigures, timeToGuarantee } from '../../lib/replay/tenants';
import type { SimJob, Workload } from '../../lib/replay/workload';
import type { Tenant } from '../../lib/domain/tenant';

const job = (id: string, tenant: string, submit: number, work: number): SimJob =>
  ({ id, submit, work, cpu: 1, memoryMb: 1024, tenant, class: 'beff', priority: 0 });

const workload: Workload = {
  name: 'burst',
  jobs: [
    ...Array.from({ length: 8 }, (_, k) => job(`a${k}`, 'a', 0, 10_000)),
    ...Array.from({ length: 4 }, (_, k) => job(`b${k}`, 'b', 600, 300)),
  ],
  cloud: { hosts: 1, hostCpus: 8, hostMemoryMb: 8 * 1024 },
  mapping: [], counts: {},
};
const tenants: Tenant[] = [{ id: 'a', share: 1, services: [], users: [] }, { id: 'b', share: 1, services: [], users: [] }];
const run = (policy: string) => simulate(workload, { policy: POLICIES[policy], timing: DEFAULT_TIMING, base: replayPlannerPolicy('striping'), startMs: 0, tenants });
const shareOf = new Map(tenants.map((t) => [t.id, t.share]));

describe('time to guarantee', () => {
  it('is one tick and a save with sharing, the borrower\'s run time without', () => {
    const shares = timeToGuarantee(run('shares'), shareOf).get('b')!;
    const stop = timeToGuarantee(run('stop'), shareOf).get('b')!;
    // One episode each: b's burst arrives with b at 0 of its 4 vCPU.
    expect(shares.guaranteeEpisodes).toBe(1);
    expect(stop.guaranteeEpisodes).toBe(1);
    expect(shares.guaranteeUnreached).toBe(0);
    // Sharing: the kick after submission (1 s) plans the reclaim, a's victims save (15 s), b's VMs boot on the freed room.
    expect(shares.timeToGuaranteeMean).toBeGreaterThanOrEqual(DEFAULT_TIMING.kick + DEFAULT_TIMING.save);
    expect(shares.timeToGuaranteeMean).toBeLessThanOrEqual(DEFAULT_TIMING.tick + DEFAULT_TIMING.save);
    // Without sharing, b's best-effort jobs cannot preempt a's: they start when a's end, 10,000 s after a started.
    expect(stop.timeToGuaranteeMean).toBeGreaterThanOrEqual(10_000 - 600);
  });

  it('counts an episode still open at the end with the time it was open', () => {
    const r = run('easy');
    // As if b's jobs had never started: its episode is still open when a's jobs end, the replay's last event.
    const cut = { ...r, segments: r.segments.filter((s) => s.tenant !== 'b'), records: r.records.map((x) => (x.job.tenant === 'b' ? { ...x, end: undefined } : x)) };
    const b = timeToGuarantee(cut, shareOf).get('b')!;
    const last = Math.max(...cut.segments.map((s) => s.end));
    expect(b.guaranteeEpisodes).toBe(1);
    expect(b.guaranteeUnreached).toBe(1);
    expect(b.timeToGuaranteeMean).toBeCloseTo((last - 600_000) / 1000, 6);
  });

  it('is in each tenant\'s figures', () => {
    const f = tenantFigures(run('shares'), tenants);
    expect(f.map((t) => t.id)).toEqual(['a', 'b']);
    expect(f.find((t) => t.id === 'b')!.guaranteeEpisodes).toBe(1);
  });
});
