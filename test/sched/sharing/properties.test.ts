/**
 * Properties of plans with tenants (fast-check), over random clouds, tenants and queues: a
 * tenant below its guarantee gets a job started in the same plan; another tenant's work
 * running within its guarantee is never preempted; prod is never preempted; hard limits are
 * never passed; no host keeps room a waiting job fits in, except for a limit; the same input in
 * any order gives the same plan.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plan } from '../../../lib/sched';
import type { Action, PlanInput, QueuedJob, RunningJob, SharingInput } from '../../../lib/sched/contract';
import type { Tenant } from '../../../lib/domain/tenant';
import { host, input, job, runningJob, snapshot } from '../helpers';

const TENANTS = ['acme', 'beta', 'gamma'];

interface Spec {
  hostCpu: number;
  hosts: number;
  shares: number[];
  limits: (number | null)[];
  running: { host: number; tenant: number; cls: 'prod' | 'beff'; cpu: number; prio: number; ckpt: number }[];
  queue: { tenant: number; user: number; cls: 'prod' | 'beff'; cpu: number; prio: number }[];
  usage: number[];
}

/** Clouds whose CPU divides into whole guarantees (host CPU a multiple of the sum of shares); memory never binds. */
const specArb = (opts: { limits: boolean; prod: boolean; usage: boolean; sizes: readonly number[] }): fc.Arbitrary<Spec> =>
  fc.record({
    shares: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
    hosts: fc.integer({ min: 1, max: 4 }),
    mult: fc.integer({ min: 1, max: 2 }),
    limits: fc.array(opts.limits ? fc.option(fc.integer({ min: 0, max: 12 })) : fc.constant(null), { minLength: 3, maxLength: 3 }),
    running: fc.array(fc.record({ host: fc.nat(), tenant: fc.nat(2), cls: opts.prod ? fc.constantFrom('prod' as const, 'beff' as const, 'beff' as const) : fc.constant('beff' as const), cpu: fc.constantFrom(...opts.sizes), prio: fc.nat(3), ckpt: fc.nat(1000) }), { maxLength: 30 }),
    queue: fc.array(fc.record({ tenant: fc.nat(2), user: fc.nat(2), cls: opts.prod ? fc.constantFrom('prod' as const, 'beff' as const) : fc.constant('beff' as const), cpu: fc.constantFrom(...opts.sizes), prio: fc.nat(3) }), { maxLength: 14 }),
    usage: fc.array(opts.usage ? fc.nat(5000) : fc.constant(0), { minLength: 3, maxLength: 3 }),
  }).map(({ shares, hosts, mult, limits, running, queue, usage }) => ({
    shares, hosts, hostCpu: shares.reduce((s, x) => s + x, 0) * mult, limits, usage,
    running: running.map((r) => ({ ...r, tenant: r.tenant % shares.length })),
    queue: queue.map((q) => ({ ...q, tenant: q.tenant % shares.length })),
  }));

function build(s: Spec): PlanInput {
  const used = Array.from({ length: s.hosts }, () => 0);
  const running: RunningJob[] = [];
  s.running.forEach((r, k) => {
    const h = r.host % s.hosts;
    if (used[h] + r.cpu > s.hostCpu) return;
    used[h] += r.cpu;
    running.push(runningJob({ id: `r${k}`, vmId: 500 + k, hostId: h + 1, class: r.cls, priority: r.prio, cpu: r.cpu, memoryMb: 64, checkpointAt: r.ckpt, tenant: TENANTS[r.tenant] }));
  });
  const hosts = Array.from({ length: s.hosts }, (_, i) => host({ id: i + 1, cpu: s.hostCpu, memMb: 1_000_000, cpuUsed: used[i], memUsedMb: running.filter((r) => r.hostId === i + 1).length * 64 }));
  const queue: QueuedJob[] = s.queue.map((q, k) => job({ id: `q${k}`, class: q.cls, priority: q.prio, submittedAt: k, cpu: q.cpu, vcpu: q.cpu, memoryMb: 64, tenant: TENANTS[q.tenant], user: `u${q.user}` }));
  const tenants: Tenant[] = s.shares.map((share, i) => ({
    id: TENANTS[i], share, services: [], users: [], ...(s.limits[i] !== null ? { limits: { vcpu: s.limits[i]! } } : {}),
  }));
  const sharing: SharingInput = { tenants, usage: Object.fromEntries(s.shares.map((_, i) => [TENANTS[i], s.usage[i]])) };
  return { ...input(snapshot(hosts), queue, { running, now: 2000, policy: { preemption: true } }), sharing };
}

const guaranteeOf = (s: Spec, t: string): number => {
  const i = TENANTS.indexOf(t);
  return (s.shares[i] / s.shares.reduce((a, b) => a + b, 0)) * s.hosts * s.hostCpu;
};

/** Each tenant's CPU through the plan's actions, in order: `visit` sees it before each action. */
function replay(inp: PlanInput, actions: readonly Action[], visit: (a: Action, used: Map<string, number>) => void): Map<string, number> {
  const used = new Map<string, number>();
  const add = (t: string | undefined, cpu: number): void => {
    used.set(t ?? 'default', (used.get(t ?? 'default') ?? 0) + cpu);
  };
  for (const r of inp.running) if (r.state === 'RUNNING') add(r.tenant, r.cpu);
  const running = new Map(inp.running.map((r) => [r.id, r]));
  const queued = new Map(inp.queue.map((j) => [j.id, j]));
  for (const a of actions) {
    visit(a, used);
    if (a.type === 'preempt') add(running.get(a.jobId)!.tenant, -running.get(a.jobId)!.cpu);
    if (a.type === 'deploy' || a.type === 'deployAfterVictims' || a.type === 'resume') add(queued.get(a.jobId)!.tenant, queued.get(a.jobId)!.cpu);
  }
  return used;
}

const canonical = (p: ReturnType<typeof plan>) => JSON.stringify({ actions: p.actions, waiting: [...p.waiting].sort((a, b) => (a[0] < b[0] ? -1 : 1)) });

const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) };

describe('plans with tenants', () => {
  it('a tenant below its guarantee whose waiting job keeps it within gets a job started in the same plan', () => {
    fc.assert(fc.property(specArb({ limits: false, prod: false, usage: false, sizes: [1] }), (s) => {
      const inp = build(s);
      const p = plan(inp);
      const started = new Set(p.actions.flatMap((a) => (a.type === 'deploy' || a.type === 'deployAfterVictims' ? [inp.queue.find((j) => j.id === a.jobId)!.tenant] : [])));
      for (const t of TENANTS.slice(0, s.shares.length)) {
        const used = inp.running.filter((r) => r.tenant === t).reduce((sum, r) => sum + r.cpu, 0);
        const waits = inp.queue.some((j) => j.tenant === t);
        if (waits && used + 1 <= guaranteeOf(s, t) + 1e-9) expect(started.has(t), `tenant ${t} uses ${used} of ${guaranteeOf(s, t)}`).toBe(true);
      }
    }), RUNS);
  });

  it('never preempts prod, nor another tenant\'s work running within its guarantee', () => {
    fc.assert(fc.property(specArb({ limits: true, prod: true, usage: true, sizes: [1, 2, 3] }), (s) => {
      const inp = build(s);
      const p = plan(inp);
      const running = new Map(inp.running.map((r) => [r.id, r]));
      const queued = new Map(inp.queue.map((j) => [j.id, j]));
      // Victims of one job come together; the one taken last left its tenant borrowing before it went.
      const groups = new Map<string, { victims: RunningJob[]; before: Map<string, number> }>();
      replay(inp, p.actions, (a, used) => {
        if (a.type !== 'preempt') return;
        const v = running.get(a.jobId)!;
        expect(v.class).toBe('beff');
        const g = groups.get(a.byJobId) ?? { victims: [], before: new Map(used) };
        g.victims.push(v);
        groups.set(a.byJobId, g);
      });
      for (const [by, g] of groups) {
        const own = queued.get(by)!.tenant;
        for (const t of new Set(g.victims.map((v) => v.tenant))) {
          if (t === own) {
            expect(queued.get(by)!.class).toBe('prod');
            continue;
          }
          const mine = g.victims.filter((v) => v.tenant === t);
          const total = mine.reduce((sum, v) => sum + v.cpu, 0);
          const before = g.before.get(t!) ?? 0;
          const guaranteed = TENANTS.indexOf(t!) < s.shares.length ? guaranteeOf(s, t!) : 0;
          expect(mine.some((v) => before - total + v.cpu > guaranteed + 1e-9), `tenant ${t} had ${before}, guaranteed ${guaranteed}, lost ${total}`).toBe(true);
        }
      }
    }), RUNS);
  });

  it('never lets a tenant start work past its hard limit', () => {
    fc.assert(fc.property(specArb({ limits: true, prod: true, usage: true, sizes: [1, 2, 3] }), (s) => {
      const inp = build(s);
      const p = plan(inp);
      const queued = new Map(inp.queue.map((j) => [j.id, j]));
      replay(inp, p.actions, (a, used) => {
        if (a.type !== 'deploy' && a.type !== 'deployAfterVictims' && a.type !== 'resume') return;
        const j = queued.get(a.jobId)!;
        const limit = inp.sharing!.tenants.find((t) => t.id === j.tenant)?.limits?.vcpu;
        if (limit !== undefined) expect((used.get(j.tenant!) ?? 0) + j.cpu).toBeLessThanOrEqual(limit);
      });
      for (const [id, why] of p.waiting) if (why.code === 'tenant.limit') expect(queued.get(id)!.tenant).toBeDefined();
    }), RUNS);
  });

  it('leaves no host idle with room a waiting job fits in, unless the job waits for a limit', () => {
    fc.assert(fc.property(specArb({ limits: true, prod: true, usage: true, sizes: [1, 2, 3] }), (s) => {
      const inp = build(s);
      const p = plan(inp);
      // Room a preemption of this plan frees is not idle yet: its victims leave first, and the round
      // after they have left plans it again (the tick goes round while room frees). What is idle
      // is the room free now, less what this plan deploys there beyond its victims' room.
      const free = new Map(inp.snapshot.hosts.map((h) => [h.id, (h.share.maxCpu - h.share.cpuUsage) / 100]));
      const running = new Map(inp.running.map((r) => [r.id, r]));
      const queued = new Map(inp.queue.map((j) => [j.id, j]));
      for (const a of p.actions) {
        if (a.type === 'deploy' || a.type === 'resume') free.set(a.hostId, free.get(a.hostId)! - queued.get(a.jobId)!.cpu);
        if (a.type === 'deployAfterVictims') {
          const freed = a.victims.reduce((s, v) => s + running.get(v)!.cpu, 0);
          free.set(a.hostId, free.get(a.hostId)! - Math.max(0, queued.get(a.jobId)!.cpu - freed));
        }
      }
      for (const [id, why] of p.waiting) {
        if (why.code === 'tenant.limit') continue;
        const most = Math.max(...free.values());
        expect(most, `${id} waits (${why.message}) while a host has ${most} CPU free`).toBeLessThan(queued.get(id)!.cpu);
      }
    }), RUNS);
  });

  it('gives the same plan for the same input in any order', () => {
    fc.assert(fc.property(specArb({ limits: true, prod: true, usage: true, sizes: [1, 2, 3] }), fc.integer(), (s, seed) => {
      const inp = build(s);
      const shuffle = <T>(xs: readonly T[]): T[] => {
        const out = [...xs];
        let r = seed;
        for (let i = out.length - 1; i > 0; i--) {
          r = (r * 1103515245 + 12345) | 0;
          const k = Math.abs(r) % (i + 1);
          [out[i], out[k]] = [out[k], out[i]];
        }
        return out;
      };
      const other: PlanInput = {
        ...inp, queue: shuffle(inp.queue), running: shuffle(inp.running),
        snapshot: { ...inp.snapshot, hosts: shuffle(inp.snapshot.hosts) },
        sharing: { ...inp.sharing!, tenants: shuffle(inp.sharing!.tenants) },
      };
      expect(canonical(plan(other))).toBe(canonical(plan(inp)));
    }), RUNS);
  });
});
