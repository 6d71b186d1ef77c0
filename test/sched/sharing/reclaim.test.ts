/**
 * Reclaim's search and the failures it caches: the best lone victim is looked for on every
 * host (as preemption does), and a failure found by one tenant's job answers another's only
 * while no host it could use has grown.
 */
import { describe, expect, it } from 'vitest';
import { plan } from '../../../lib/sched';
import type { PlanInput } from '../../../lib/sched/contract';
import type { Tenant } from '../../../lib/domain/tenant';
import { host, input, job, runningJob, snapshot } from '../helpers';

const acme: Tenant = { id: 'acme', share: 3, services: [], users: [] };
const beta: Tenant = { id: 'beta', share: 1, services: [], users: [] };

describe('reclaim', () => {
  it('takes the lone victim that loses least work, wherever it runs (not only on the first hundred hosts)', () => {
    // 150 full hosts, each running one borrowed 2-vCPU job of acme (acme alone runs everything:
    // 300 vCPU against a guarantee of 225); the one checkpointed last runs on host 140.
    const hosts = Array.from({ length: 150 }, (_, k) => host({ id: k, cpu: 2, memMb: 4096, cpuUsed: 2, memUsedMb: 2048 }));
    const running = hosts.map((h, k) => runningJob({ id: `a${k}`, vmId: 1000 + k, hostId: h.id, cpu: 2, memoryMb: 2048, tenant: 'acme', startedAt: 0, checkpointAt: k === 140 ? 900 : k }));
    const inp: PlanInput = {
      ...input(snapshot(hosts), [job({ id: 'b', class: 'beff', cpu: 2, vcpu: 2, memoryMb: 1024, tenant: 'beta' })], { running, now: 1000 }),
      sharing: { tenants: [acme, beta], usage: {} },
    };
    const p = plan(inp);
    expect(p.actions.filter((a) => a.type === 'preempt').map((a) => a.jobId)).toEqual(['a140']);
    expect(p.actions.at(-1)).toMatchObject({ jobId: 'b', hostId: 140 });
  });

  it('a failure one tenant found is searched again once a prod job of another leaves room', () => {
    // Host 1 runs acme's two 2-vCPU best-effort jobs; host 2 is full of work outside svmsched.
    // acme (share 3 of 8 vCPU: 6) runs 4 and borrows nothing: no room anyone may reclaim.
    const hosts = [host({ id: 1, cpu: 4, memMb: 8192, cpuUsed: 4, memUsedMb: 4096 }), host({ id: 2, cpu: 4, memMb: 8192, cpuUsed: 4, memUsedMb: 4096 })];
    const running = [0, 1].map((k) => runningJob({ id: `a${k}`, vmId: 100 + k, hostId: 1, cpu: 2, memoryMb: 2048, tenant: 'acme', startedAt: 0, checkpointAt: k }));
    const queue = [
      // beta comes first (furthest below its share): its prod job finds no room, and that failure is kept.
      job({ id: 'beta-prod', class: 'prod', cpu: 1, vcpu: 1, memoryMb: 512, tenant: 'beta', submittedAt: 1 }),
      // acme's prod job takes one of acme's own jobs on host 1 and leaves 1 vCPU free there.
      job({ id: 'acme-prod', class: 'prod', cpu: 1, vcpu: 1, memoryMb: 512, tenant: 'acme', submittedAt: 2 }),
      // beta's best-effort job of the same shape: the kept failure no longer holds.
      job({ id: 'beta-beff', class: 'beff', cpu: 1, vcpu: 1, memoryMb: 512, tenant: 'beta', submittedAt: 3 }),
    ];
    const p = plan({ ...input(snapshot(hosts), queue, { running, now: 1000 }), sharing: { tenants: [acme, beta], usage: {} } });
    expect(p.waiting.get('beta-prod')).toBeDefined();
    expect(p.actions).toContainEqual(expect.objectContaining({ type: 'preempt', jobId: 'a1', byJobId: 'acme-prod' }));
    expect(p.actions).toContainEqual(expect.objectContaining({ jobId: 'acme-prod', hostId: 1 }));
    expect(p.actions).toContainEqual(expect.objectContaining({ type: 'deploy', jobId: 'beta-beff', hostId: 1 }));
    expect(p.waiting.has('beta-beff')).toBe(false);
  });
});
