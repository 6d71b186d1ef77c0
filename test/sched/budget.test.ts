import { describe, expect, it } from 'vitest';
import { plan } from '../../lib/sched';
import { DEFAULT_PLAN_REQUIREMENT_STEPS, DEFAULT_REQUIREMENT_STEPS, MIN_REQUIREMENT_STEPS, requirementStepLimit } from '../../lib/sched/exprCache';
import { compileRequirement, hostLookup, StepMeter } from '../../lib/sched/expr';
import { datastore, host, input, job, snapshot } from './helpers';

// The requirement of the report: `*[!~]` eight times then `~`, 46 characters, against a long
// attribute value. Backtracking took minutes per host; it is now linear, but still costs
// bytes × pattern length per host, which the plan's budget bounds.
const HOSTILE = `LONG = "${'*[!~]'.repeat(8)}~"`;
const LONG = 'x'.repeat(10_000);
const deployed = (p: ReturnType<typeof plan>) => p.actions.filter((a) => a.type === 'deploy').map((a) => a.jobId).sort();

describe('requirement budget: no job can hold the planner', () => {
  it('with the default budget, the hostile requirement on 200 hosts waits with that reason and every other job is placed', () => {
    // Prepare: the hostile job goes first (prod, highest priority); 40 ordinary jobs follow.
    const hosts = Array.from({ length: 200 }, (_, i) => host({ id: i, cpu: 16, template: { LONG, RACK: `r${i % 4}` } }));
    const others = Array.from({ length: 40 }, (_, k) => job({ id: `ok${String(k).padStart(2, '0')}`, class: 'beff', requirements: k % 2 ? 'HYPERVISOR = kvm' : `RACK = r${k % 4}` }));
    const queue = [job({ id: 'hostile', priority: 1000, requirements: HOSTILE }), ...others];
    // Act
    const p = plan(input(snapshot(hosts), queue));
    // Assess
    expect(p.waiting.get('hostile')).toMatchObject({
      code: 'requirements.budget',
      details: { which: 'SCHED_REQUIREMENTS', requirement: HOSTILE, maxSteps: DEFAULT_REQUIREMENT_STEPS },
    });
    expect(p.waiting.get('hostile')!.message).toBe(
      `its requirements took too long to evaluate (more than ${DEFAULT_REQUIREMENT_STEPS} steps in this round); simplify them: wildcard patterns with several '*' against long attribute values cost the most.`);
    expect(deployed(p)).toEqual(others.map((j) => j.id).sort());
    expect(p.waiting.size).toBe(1);
  });

  it('stops at the budget the policy gives, and the same input gives the same plan', () => {
    // Prepare: a budget that one host's evaluation fits in, but not 50.
    const hosts = Array.from({ length: 50 }, (_, i) => host({ id: i, template: { LONG: LONG.slice(0, 2000) } }));
    const perHost = stepsOn(HOSTILE, hosts[0]);
    const policy = { maxRequirementSteps: perHost * 10 };
    const queue = [job({ id: 'hostile', requirements: HOSTILE }), job({ id: 'same', requirements: HOSTILE }), job({ id: 'plain', requirements: 'LONG = "x*"' })];
    // Act
    const p = plan(input(snapshot(hosts), queue, { policy }));
    const again = plan(input(snapshot(hosts), queue, { policy }));
    // Assess: both jobs of the expression wait, the other one is placed.
    for (const id of ['hostile', 'same']) expect(p.waiting.get(id)).toMatchObject({ code: 'requirements.budget', details: { maxSteps: perHost * 10 } });
    expect(deployed(p)).toEqual(['plain']);
    expect(again).toEqual(p);
  });

  it("shares the plan's steps among its distinct expressions: twenty hostile ones cost the plan what its budget says", () => {
    // Prepare: 20 distinct hostile expressions and one plain one share 21,000,000 steps.
    const hosts = Array.from({ length: 100 }, (_, i) => host({ id: i, template: { LONG } }));
    const hostile = Array.from({ length: 20 }, (_, k) => job({ id: `h${String(k).padStart(2, '0')}`, priority: 10, requirements: `${HOSTILE} & ID != ${k}` }));
    const policy = { maxPlanRequirementSteps: 21_000_000 };
    // Act
    const p = plan(input(snapshot(hosts), [...hostile, job({ id: 'plain', requirements: 'HYPERVISOR = kvm' })], { policy }));
    // Assess
    for (const j of hostile) expect(p.waiting.get(j.id)).toMatchObject({ code: 'requirements.budget', details: { maxSteps: 1_000_000 } });
    expect(deployed(p)).toEqual(['plain']);
  });

  it('gives every expression at least MIN_REQUIREMENT_STEPS, and never more than maxRequirementSteps', () => {
    const policy = (extra: object) => ({ ...input(snapshot([]), []).policy, ...extra });
    const queue = Array.from({ length: 1000 }, (_, k) => job({ requirements: `ID = ${k}` }));
    expect(requirementStepLimit(policy({}), queue)).toBe(MIN_REQUIREMENT_STEPS);
    expect(requirementStepLimit(policy({}), queue.slice(0, 2))).toBe(DEFAULT_REQUIREMENT_STEPS);
    expect(requirementStepLimit(policy({}), queue.slice(0, 20))).toBe(DEFAULT_PLAN_REQUIREMENT_STEPS / 20);
    expect(requirementStepLimit(policy({ maxRequirementSteps: 5000 }), queue)).toBe(5000);
    // Jobs sharing an expression share its steps; empty expressions cost nothing and count for nothing.
    expect(requirementStepLimit(policy({ maxPlanRequirementSteps: 4_000_000 }), [...queue.slice(0, 4), ...queue.slice(0, 4), job()])).toBe(1_000_000);
  });

  it('is what made the job wait: with enough steps the same job is evaluated to the end (no host has a `~`)', () => {
    const hosts = Array.from({ length: 50 }, (_, i) => host({ id: i, template: { LONG: LONG.slice(0, 2000) } }));
    const p = plan(input(snapshot(hosts), [job({ id: 'hostile', requirements: HOSTILE })], { policy: { maxRequirementSteps: Infinity } }));
    expect(p.waiting.get('hostile')).toMatchObject({ code: 'requirements.nomatch' });
    expect(p.waiting.get('hostile')!.message).toMatch(/^0 of 50 hosts match LONG = /);
  });

  it('counts the re-tests of a CURRENT_VMS requirement at dispatch too: past the budget the host is turned down with that reason', () => {
    // Prepare: one host; the budget covers the snapshot evaluation and little more.
    const requirement = `CURRENT_VMS != 7 & ${HOSTILE.replace('~"', 'x"')}`;
    const hosts = [host({ id: 0, cpu: 64, template: { LONG: LONG.slice(0, 2000) } })];
    const policy = { maxRequirementSteps: stepsOn(requirement, hosts[0]) + 10 };
    const queue = [
      job({ id: 'a', vmId: 1, priority: 3, requirements: requirement }),
      job({ id: 'b', vmId: 2, priority: 2, requirements: requirement }),
      job({ id: 'c', vmId: 3, priority: 1, requirements: 'HYPERVISOR = kvm' }),
    ];
    // Act
    const p = plan(input(snapshot(hosts), queue, { policy }));
    // Assess: 'a' was placed from the snapshot's answer; 'b' needs the re-test, which has no steps left.
    expect(deployed(p)).toEqual(['a', 'c']);
    expect(p.waiting.get('b')).toMatchObject({ code: 'requirements.budget', details: { which: 'SCHED_REQUIREMENTS' } });
  });

  it('bounds datastore requirements the same way', () => {
    const hosts = [host({ id: 0 })];
    const dsRequirement = HOSTILE;
    const snap = snapshot(hosts, { datastores: Array.from({ length: 20 }, (_, i) => datastore(i, { template: { LONG } })) });
    const p = plan(input(snap, [job({ id: 'd', dsRequirements: dsRequirement }), job({ id: 'e' })], { policy: { maxRequirementSteps: 100_000 } }));
    expect(p.waiting.get('d')).toMatchObject({ code: 'requirements.budget', details: { which: 'SCHED_DS_REQUIREMENTS', requirement: dsRequirement } });
    expect(p.waiting.get('d')!.message).toMatch(/^its datastore requirements \(SCHED_DS_REQUIREMENTS\) took too long/);
    expect(deployed(p)).toEqual(['e']);
  });

  it('refuses a budget that is not a number of steps above 0, naming the field', () => {
    const snap = snapshot([host({ id: 0 })]);
    for (const bad of [0, -1, Number.NaN]) {
      expect(() => plan(input(snap, [job()], { policy: { maxRequirementSteps: bad } }))).toThrow(/^policy\.maxRequirementSteps must be a number of steps above 0/);
      expect(() => plan(input(snap, [job()], { policy: { maxPlanRequirementSteps: bad } }))).toThrow(/^policy\.maxPlanRequirementSteps must be a number of steps above 0/);
    }
  });
});

/** Steps one evaluation of `source` costs on one host, measured with a meter. */
function stepsOn(source: string, h: ReturnType<typeof host>): number {
  const meter = new StepMeter(Infinity);
  compileRequirement(source).test(hostLookup(h), meter);
  return meter.steps;
}
