import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lib/config';
import { toPlanInput } from '../../lib/lifecycle/planInput';
import { job, vm } from '../helpers/builders';
import { minimalXml } from '../config/xml';

const T0 = Date.UTC(2024, 0, 1, 12, 0);
const iso = (ms: number) => new Date(ms).toISOString();
const snapshot = (vms: ReturnType<typeof vm>[]) => ({ hosts: [], clusters: [], datastores: [], vnets: [], vms });

describe('toPlanInput: what backfill plans with', () => {
  const config = parseConfig(minimalXml({ root: '<scheduling><backfill>none</backfill></scheduling>' }), {});

  it('gives the configured backfill to the planner', () => {
    expect(toPlanInput([], snapshot([]), config, T0).policy.backfill).toBe('none');
  });

  it('gives a queued job its estimate less what it ran, and a running job the end its estimate or lifetime gives', () => {
    const jobs = [
      job({ id: 'q', service: 'svc', state: 'QUEUED', runtimeEstimate: 600, runSeconds: 100 }),
      job({ id: 'e', service: 'svc', state: 'RUNNING', vmId: 1, hostId: 0, runningSince: iso(T0), runtimeEstimate: 900 }),
      job({ id: 'l', service: 'svc', state: 'RUNNING', vmId: 2, hostId: 0, runningSince: iso(T0), lifetime: 7200, lifetimeEndsAt: iso(T0 + 7_200_000), runtimeEstimate: 900 }),
      job({ id: 'n', service: 'svc', state: 'RUNNING', vmId: 3, hostId: 0, runningSince: iso(T0) }),
    ];
    const input = toPlanInput(jobs, snapshot([vm({ id: 1, hostId: 0 }), vm({ id: 2, hostId: 0 }), vm({ id: 3, hostId: 0 })]), config, T0 + 60_000);
    expect(input.queue.find((q) => q.id === 'q')?.runtimeEstimate).toBe(500);
    const end = (id: string) => input.running.find((r) => r.id === id)?.expectedEndAt;
    expect(end('e')).toBe(T0 + 900_000);
    // The estimate is below the lifetime: it is what the job is expected to take.
    expect(end('l')).toBe(T0 + 900_000);
    expect(end('n')).toBeUndefined();
  });
});
