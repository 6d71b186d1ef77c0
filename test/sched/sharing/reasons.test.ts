/**
 * The sharing phase's sentences: a tenant over its guarantee waits for idle capacity, a tenant
 * at a hard limit waits for its jobs to end, a reclaim victim's history names the tenant it
 * returns room to; decayed usage and the tenants' summary.
 */
import { describe, expect, it } from 'vitest';
import { plan } from '../../../lib/sched';
import type { PlanInput } from '../../../lib/sched/contract';
import { decayUsage, tenantSummary } from '../../../lib/sched/sharing';
import type { Tenant } from '../../../lib/domain/tenant';
import { host, input, job, runningJob, snapshot } from '../helpers';

const acme: Tenant = { id: 'acme', share: 1, services: [], users: [] };
const beta: Tenant = { id: 'beta', share: 1, services: [], users: [] };

/** Two hosts of 40 vCPU: acme and beta each guaranteed 40. */
const cloud = () => snapshot([host({ id: 1, cpu: 40, memMb: 400_000, cpuUsed: 40, memUsedMb: 40 }), host({ id: 2, cpu: 40, memMb: 400_000, cpuUsed: 8, memUsedMb: 8 })]);
const running = [
  ...Array.from({ length: 40 }, (_, k) => runningJob({ id: `a${k}`, vmId: 100 + k, hostId: 1, cpu: 1, memoryMb: 1, tenant: 'acme', checkpointAt: k })),
  ...Array.from({ length: 8 }, (_, k) => runningJob({ id: `b${k}`, vmId: 200 + k, hostId: 2, cpu: 1, memoryMb: 1, tenant: 'acme', checkpointAt: k })),
];

describe('sharing reasons', () => {
  it('a tenant over its guarantee waits for idle capacity, and says by how much', () => {
    const inp: PlanInput = { ...input(cloud(), [job({ id: 'big', class: 'beff', cpu: 40, vcpu: 40, memoryMb: 1, tenant: 'acme' })], { running }), sharing: { tenants: [acme, beta], usage: {} } };
    const why = plan(inp).waiting.get('big')!;
    expect(why.code).toBe('tenant.overShare');
    expect(why.message).toMatch(/^tenant acme runs 48 vCPU, 8 over its guaranteed 40: waits for idle capacity/);
  });

  it('a tenant at its hard limit waits for its own jobs to end, though the cloud has room', () => {
    const limited: Tenant = { ...acme, limits: { vcpu: 48 } };
    const inp: PlanInput = { ...input(cloud(), [job({ id: 'one', class: 'beff', cpu: 1, vcpu: 1, memoryMb: 1, tenant: 'acme' })], { running }), sharing: { tenants: [limited, beta], usage: {} } };
    const p = plan(inp);
    expect(p.actions).toEqual([]);
    expect(p.waiting.get('one')!.code).toBe('tenant.limit');
    expect(p.waiting.get('one')!.message).toMatch(/^tenant acme is at its limit of 48 vCPU/);
  });

  it('reclaims borrowed room for a tenant below its share, and the victims say to whom', () => {
    // Host 2 full too: acme runs 72, beta nothing; beta's 8-vCPU job reclaims from acme's borrowed jobs.
    const full = snapshot([host({ id: 1, cpu: 40, memMb: 400_000, cpuUsed: 40, memUsedMb: 40 }), host({ id: 2, cpu: 40, memMb: 400_000, cpuUsed: 40, memUsedMb: 40 })]);
    const all = [...running.slice(0, 40), ...Array.from({ length: 40 }, (_, k) => runningJob({ id: `c${k}`, vmId: 300 + k, hostId: 2, cpu: 1, memoryMb: 1, tenant: 'acme', checkpointAt: k, startedAt: 0 }))];
    const inp: PlanInput = { ...input(full, [job({ id: 'b', class: 'beff', cpu: 8, vcpu: 8, memoryMb: 8, tenant: 'beta' })], { running: all, now: 1000 }), sharing: { tenants: [acme, beta], usage: {} } };
    const p = plan(inp);
    const victims = p.actions.filter((a) => a.type === 'preempt');
    expect(victims).toHaveLength(8);
    for (const v of victims) {
      expect(v.type === 'preempt' && v.reason).toMatch(/^preempted to return 8 vCPU to tenant beta \(below its share\)/);
    }
    // Least work lost: the latest checkpoints go (work since checkpoint is least).
    expect(victims.map((v) => v.jobId).sort()).toEqual(['a32', 'a33', 'a34', 'a35', 'a36', 'a37', 'a38', 'a39'].sort());
    expect(p.actions.at(-1)).toMatchObject({ type: 'deployAfterVictims', jobId: 'b', hostId: 1 });
  });

  it('does not preempt another tenant\'s work within its guarantee, even for prod', () => {
    const full = snapshot([host({ id: 1, cpu: 40, memMb: 400_000, cpuUsed: 40, memUsedMb: 40 })]);
    const half = Array.from({ length: 20 }, (_, k) => runningJob({ id: `a${k}`, vmId: 100 + k, hostId: 1, cpu: 1, memoryMb: 1, tenant: 'acme' }))
      .concat(Array.from({ length: 20 }, (_, k) => runningJob({ id: `b${k}`, vmId: 200 + k, hostId: 1, cpu: 1, memoryMb: 1, tenant: 'beta' })));
    const inp: PlanInput = { ...input(full, [job({ id: 'p', class: 'prod', cpu: 1, vcpu: 1, memoryMb: 1, tenant: 'beta' })], { running: half }), sharing: { tenants: [acme, beta], usage: {} } };
    const p = plan(inp);
    // Its own best-effort work gives way instead.
    const victims = p.actions.filter((a) => a.type === 'preempt');
    expect(victims.map((v) => v.jobId)).toHaveLength(1);
    expect(victims[0].jobId).toMatch(/^b/);
  });

  it('puts the tenant furthest below its share first, with decayed usage', () => {
    const one = snapshot([host({ id: 1, cpu: 1, memMb: 4096 })]);
    const q = [job({ id: 'x', class: 'beff', cpu: 1, vcpu: 1, tenant: 'acme', submittedAt: 1 }), job({ id: 'y', class: 'beff', cpu: 1, vcpu: 1, tenant: 'beta', submittedAt: 2 })];
    const fresh = plan({ ...input(one, q), sharing: { tenants: [acme, beta], usage: {} } });
    expect(fresh.actions[0]).toMatchObject({ jobId: 'x' });
    const used = plan({ ...input(one, q), sharing: { tenants: [acme, beta], usage: { acme: 500, beta: 10 } } });
    expect(used.actions[0]).toMatchObject({ jobId: 'y' });
  });

  it('decays usage by half each half-life and adds running jobs\' dominant share', () => {
    const cap = { cpu: 10, memoryMb: 1000 };
    const r = [runningJob({ id: 'r1', hostId: 1, cpu: 5, memoryMb: 100, tenant: 'acme', user: 'ann', startedAt: 0 })];
    const u = decayUsage({ usage: { beta: 100 }, userUsage: {}, at: 0 }, r, cap, 60_000, 60);
    expect(u.usage.beta).toBeCloseTo(50);
    // Share 0.5 integrated over one half-life with decay: 0.5 · 60/ln2 · (1 − 1/2).
    expect(u.usage.acme).toBeCloseTo(0.5 * (60 / Math.LN2) * 0.5);
    expect(u.userUsage['acme/ann']).toBeCloseTo(u.usage.acme);
    expect(u.at).toBe(60_000);
    expect(() => decayUsage(undefined, r, cap, 0, 0)).toThrow(/halfLifeSeconds/);
  });

  it('summarises each tenant: guaranteed, used, borrowed, lent, waiting', () => {
    const s = tenantSummary({
      sharing: { tenants: [{ ...acme, share: 3 }, beta], usage: {} }, capacity: { cpu: 80, memoryMb: 800_000 },
      running: running, queue: [job({ id: 'w', cpu: 2, vcpu: 2, memoryMb: 10, tenant: 'beta' })],
    });
    expect(s.map((t) => t.id)).toEqual(['acme', 'beta']);
    expect(s[0]).toMatchObject({ share: 3, guaranteed: { vcpu: 60 }, used: { vcpu: 48, runningJobs: 48 }, borrowed: { vcpu: 0 } });
    expect(s[1]).toMatchObject({ share: 1, guaranteed: { vcpu: 20 }, used: { vcpu: 0 }, waiting: { jobs: 1, vcpu: 2, memoryMb: 10 } });
  });
});
