/**
 * Properties of every plan (fast-check): capacity is never exceeded, prod jobs are never
 * preempted, a prod job never waits where preempting beff jobs would have made room, and the
 * same input (in any order) gives the same plan.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plan } from '../../lib/sched';
import { cpuShare, memoryKb } from '../../lib/sched/capacity';
import type { Action, PlanInput, QueuedJob, RunningJob } from '../../lib/sched/contract';
import { datastore, host, input, job, runningJob, snapshot, vnet } from './helpers';

const HV = ['kvm', 'xen'] as const;
const MODES = ['stop', 'suspend', 'undeploy', 'requeue'] as const;

interface World {
  input: PlanInput;
  hyper: Map<number, string>;
}

const worldArb = (opts: { maxHost: boolean; tightStorage: boolean }): fc.Arbitrary<World> => fc.record({
  hosts: fc.array(fc.record({ cpu: fc.integer({ min: 1, max: 8 }), memGb: fc.integer({ min: 1, max: 8 }), hv: fc.constantFrom(...HV), extraUsedCpu: fc.integer({ min: 0, max: 2 }) }), { minLength: 1, maxLength: 5 }),
  running: fc.array(fc.record({ host: fc.nat(), cls: fc.constantFrom('prod', 'beff'), cpu: fc.constantFrom(0.5, 1, 2), memGb: fc.constantFrom(0.5, 1, 2), prio: fc.nat(3), mode: fc.constantFrom(...MODES), ckpt: fc.nat(1000), state: fc.constantFrom('RUNNING', 'RUNNING', 'RUNNING', 'PREEMPTED'), lifetime: fc.option(fc.nat(2000)) }), { maxLength: 8 }),
  queue: fc.array(fc.record({ cls: fc.constantFrom('prod', 'beff'), prio: fc.nat(3), cpu: fc.constantFrom(0.5, 1, 2, 4), memGb: fc.constantFrom(0.5, 1, 2, 4), req: fc.constantFrom('', 'HYPERVISOR = kvm', 'HYPERVISOR = xen'), disk: fc.constantFrom(0, 100, 400), nic: fc.boolean(), excl: fc.option(fc.nat()) }), { maxLength: 10 }),
  policy: fc.record({ preemption: fc.boolean(), rankMode: fc.constantFrom('opennebula', 'dynamic'), hostPolicy: fc.integer({ min: 0, max: 2 }), maxHost: opts.maxHost ? fc.constantFrom(0, 1, 2) : fc.constant(0) }),
}).map(({ hosts, running, queue, policy }) => {
  const hyper = new Map<number, string>();
  const runs: RunningJob[] = [];
  const used = hosts.map(() => ({ cpu: 0, mem: 0 }));
  running.forEach((r, k) => {
    const h = r.host % hosts.length;
    const hostCap = hosts[h];
    if (used[h].cpu + r.cpu > hostCap.cpu || used[h].mem + r.memGb > hostCap.memGb) return;
    const holds = r.state === 'RUNNING' || r.mode === 'suspend';
    if (holds) {
      used[h].cpu += r.cpu;
      used[h].mem += r.memGb;
    }
    runs.push(runningJob({ id: `r${k}`, vmId: 500 + k, hostId: h + 1, class: r.cls as 'prod' | 'beff', priority: r.prio, cpu: r.cpu, memoryMb: r.memGb * 1024,
      preemptMode: r.mode, checkpointAt: r.ckpt, state: r.state as 'RUNNING' | 'PREEMPTED', ...(r.lifetime !== null ? { lifetimeEndsAt: r.lifetime } : {}) }));
  });
  const hs = hosts.map((h, i) => {
    hyper.set(i + 1, h.hv);
    const extra = Math.min(h.extraUsedCpu, h.cpu - used[i].cpu);
    return host({ id: i + 1, cpu: h.cpu, memMb: h.memGb * 1024, cpuUsed: used[i].cpu + extra, memUsedMb: used[i].mem * 1024, template: { HYPERVISOR: h.hv } });
  });
  const q: QueuedJob[] = queue.map((j, k) => job({ id: `q${k}`, class: j.cls as 'prod' | 'beff', priority: j.prio, submittedAt: k, cpu: j.cpu, memoryMb: j.memGb * 1024,
    requirements: j.req, diskMb: opts.tightStorage ? j.disk : 0, nics: opts.tightStorage && j.nic ? [{ nicId: 0, auto: true }] : [],
    ...(j.excl !== null ? { excludedHostIds: [(j.excl % hosts.length) + 1] } : {}) }));
  const snap = snapshot(hs, {
    datastores: [datastore(0, { freeMb: opts.tightStorage ? 1000 : 1_000_000 })],
    vnets: [vnet(0, { size: opts.tightStorage ? 3 : 1000 })],
  });
  return {
    hyper,
    input: input(snap, q, { running: runs, now: 1000, policy: { preemption: policy.preemption, rankMode: policy.rankMode as 'opennebula' | 'dynamic', host: { policy: policy.hostPolicy }, maxHost: policy.maxHost } }),
  };
});

/** Host usage after the plan, as OpenNebula would book it and as the hosts physically run it. */
function usageAfter(w: World, actions: readonly Action[]) {
  const { snapshot: snap, running, queue } = w.input;
  const byJob = new Map(running.map((r) => [r.id, r]));
  const queued = new Map(queue.map((j) => [j.id, j]));
  const u = new Map(snap.hosts.map((h) => [h.id, { cpu: h.share.cpuUsage, mem: h.share.memUsage, heldCpu: 0, heldMem: 0, max: h.share.maxCpu, maxMem: h.share.maxMem }]));
  for (const r of running) {
    if (r.state === 'PREEMPTED' && r.preemptMode === 'suspend') {
      u.get(r.hostId)!.heldCpu += cpuShare(r.cpu);
      u.get(r.hostId)!.heldMem += memoryKb(r.memoryMb);
    }
  }
  let disk = 0;
  let leases = 0;
  for (const a of actions) {
    if (a.type === 'terminate' || a.type === 'preempt') {
      const r = byJob.get(a.jobId)!;
      const h = u.get(r.hostId)!;
      const [c, m] = [cpuShare(r.cpu), memoryKb(r.memoryMb)];
      if (a.type === 'preempt' && a.mode === 'suspend') { h.heldCpu += c; h.heldMem += m; }
      else if (r.state === 'RUNNING') { h.cpu -= c; h.mem -= m; }
      else if (r.preemptMode === 'suspend') { h.cpu -= c; h.mem -= m; h.heldCpu -= c; h.heldMem -= m; }
    }
    if (a.type === 'deploy' || a.type === 'deployAfterVictims' || a.type === 'resume') {
      const j = queued.get(a.jobId)!;
      const h = u.get(a.hostId)!;
      const [c, m] = [cpuShare(j.cpu), memoryKb(j.memoryMb)];
      if (j.preempted?.mode === 'suspend') { h.heldCpu -= c; h.heldMem -= m; } else { h.cpu += c; h.mem += m; }
      if (a.type === 'deploy' || a.type === 'deployAfterVictims') disk += j.diskMb;
      leases += a.nics.length;
    }
  }
  return { hosts: u, disk, leases };
}

const ASSERT = { numRuns: 150 };

describe('plan properties', () => {
  it('are tested on worlds that preempt, resume, terminate and leave prod jobs waiting', () => {
    const plans = fc.sample(worldArb({ maxHost: false, tightStorage: false }), { numRuns: 300, seed: 7 }).map((w) => plan(w.input));
    const types = new Set(plans.flatMap((p) => p.actions.map((a) => a.type)));
    expect([...types].sort()).toEqual(expect.arrayContaining(['deploy', 'preempt', 'terminate']));
    expect(plans.some((p) => [...p.waiting.values()].some((r) => r.code.startsWith('capacity')))).toBe(true);
  });

  it('never exceeds any host’s, datastore’s or network’s capacity', () => {
    fc.assert(fc.property(worldArb({ maxHost: true, tightStorage: true }), (w) => {
      const p = plan(w.input);
      const after = usageAfter(w, p.actions);
      for (const h of after.hosts.values()) {
        expect(h.cpu - h.heldCpu).toBeLessThanOrEqual(h.max);
        expect(h.mem - h.heldMem).toBeLessThanOrEqual(h.maxMem);
      }
      expect(after.disk).toBeLessThan(1000 + 1);
      expect(after.leases).toBeLessThanOrEqual(3);
    }), ASSERT);
  });

  it('never preempts a prod job', () => {
    fc.assert(fc.property(worldArb({ maxHost: true, tightStorage: false }), (w) => {
      const classes = new Map(w.input.running.map((r) => [r.id, r.class]));
      for (const a of plan(w.input).actions) if (a.type === 'preempt') expect(classes.get(a.jobId)).toBe('beff');
    }), ASSERT);
  });

  it('never leaves a prod job waiting where preempting beff jobs on a matching host would make room', () => {
    fc.assert(fc.property(worldArb({ maxHost: false, tightStorage: false }).filter((w) => w.input.policy.preemption), (w) => {
      const p = plan(w.input);
      const after = usageAfter(w, p.actions);
      const preempted = new Set(p.actions.filter((a) => a.type === 'preempt').map((a) => a.jobId));
      const ended = new Set(p.actions.filter((a) => a.type === 'terminate').map((a) => a.jobId));
      const queued = new Map(w.input.queue.map((j) => [j.id, j]));
      const beffRoom = new Map<number, { cpu: number; mem: number }>();
      const addRoom = (hostId: number, cpu: number, mem: number) => {
        const r = beffRoom.get(hostId) ?? { cpu: 0, mem: 0 };
        beffRoom.set(hostId, { cpu: r.cpu + cpu, mem: r.mem + mem });
      };
      for (const r of w.input.running) {
        if (r.class === 'beff' && r.state === 'RUNNING' && !preempted.has(r.id) && !ended.has(r.id)) addRoom(r.hostId, cpuShare(r.cpu), memoryKb(r.memoryMb));
      }
      for (const a of p.actions) {
        const j = a.type === 'deploy' ? queued.get(a.jobId) : undefined;
        if (a.type === 'deploy' && j?.class === 'beff') addRoom(a.hostId, cpuShare(j.cpu), memoryKb(j.memoryMb));
      }
      for (const [id, why] of p.waiting) {
        const j = queued.get(id)!;
        if (j.class !== 'prod' || !why.code.startsWith('capacity') && why.code !== 'queue.behind') continue;
        for (const h of w.input.snapshot.hosts) {
          const hv = w.hyper.get(h.id);
          if (j.requirements !== '' && j.requirements !== `HYPERVISOR = ${hv}`) continue;
          if (j.excludedHostIds?.includes(h.id)) continue;
          const u = after.hosts.get(h.id)!;
          const room = beffRoom.get(h.id) ?? { cpu: 0, mem: 0 };
          const fits = u.max - u.cpu + room.cpu >= cpuShare(j.cpu) && u.maxMem - u.mem + room.mem >= memoryKb(j.memoryMb);
          expect(fits, `${id} waits (${why.message}) but fits on host ${h.id} by preemption`).toBe(false);
        }
      }
    }), ASSERT);
  });

  it('gives the same plan for the same input, in any order', () => {
    fc.assert(fc.property(worldArb({ maxHost: true, tightStorage: true }), fc.nat(), (w, k) => {
      const rotate = <T>(xs: readonly T[]): T[] => (xs.length ? [...xs.slice(k % xs.length), ...xs.slice(0, k % xs.length)].reverse() : []);
      const i = w.input;
      const shuffled: PlanInput = { ...i, queue: rotate(i.queue), running: rotate(i.running), snapshot: { ...i.snapshot, hosts: rotate(i.snapshot.hosts) } };
      const a = plan(i);
      const b = plan(shuffled);
      expect(b.actions).toEqual(a.actions);
      expect([...b.waiting].sort()).toEqual([...a.waiting].sort());
      expect(plan(i)).toEqual(a);
    }), ASSERT);
  });
});
