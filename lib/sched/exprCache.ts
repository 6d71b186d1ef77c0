/**
 * Phase 1, compile: every distinct expression is compiled once per plan; a syntax error is
 * kept as a value (the job waits with the position of the error), never thrown out of plan().
 * Each distinct requirement also gets a meter for the plan: all its evaluations together may
 * cost at most its share of the plan's steps (requirementStepLimit), so no expression can hold
 * the planner; past it, the jobs using it wait saying so.
 */
import {
  compileRank, compileRequirement, EvaluationBudgetExceeded, StepMeter,
  type AttrLookup, type CompiledRank, type CompiledRequirement,
} from './expr';
import type { Policy, QueuedJob } from './contract';

/**
 * Steps one requirement may cost in a plan by default: about a tenth of a second of evaluation,
 * a hundred times what ten comparisons on 10,000 hosts cost (with their failing-term analysis).
 */
export const DEFAULT_REQUIREMENT_STEPS = 10_000_000;

/** Steps all the requirements of one plan may cost together by default (about a second). */
export const DEFAULT_PLAN_REQUIREMENT_STEPS = 100_000_000;

/** The least one requirement gets, however many share a plan: ten comparisons on 10,000 hosts, twice. */
export const MIN_REQUIREMENT_STEPS = 200_000;

/**
 * Steps each requirement may cost in a plan: an equal share of the plan's steps among the
 * distinct expressions of its queue (host, datastore and NIC requirements), at least
 * MIN_REQUIREMENT_STEPS, at most Policy.maxRequirementSteps. Ordinary expressions use a small
 * part of it; many distinct expensive ones cannot hold a plan much longer than one.
 */
export function requirementStepLimit(policy: Policy, queue: readonly QueuedJob[]): number {
  const sources = new Set<string>();
  for (const j of queue) {
    sources.add(combineRequirements(j.automaticRequirements, j.requirements));
    sources.add(combineRequirements(j.automaticDsRequirements, j.dsRequirements));
    for (const n of j.nics) sources.add(combineRequirements(j.automaticNicRequirements, n.schedRequirements));
  }
  sources.delete('');
  const cap = policy.maxRequirementSteps ?? DEFAULT_REQUIREMENT_STEPS;
  const total = policy.maxPlanRequirementSteps ?? DEFAULT_PLAN_REQUIREMENT_STEPS;
  return Math.min(cap, Math.max(MIN_REQUIREMENT_STEPS, Math.floor(total / Math.max(1, sources.size))));
}

/** What evaluate() answers when the expression's meter ran out. */
export const OVER_BUDGET: unique symbol = Symbol('over budget');

export type Compiled<T> = { readonly ok: true; readonly expr: T } | { readonly ok: false; readonly error: string };

/** An expression that is always true / ranks 0, for empty sources. */
const TRUE: CompiledRequirement = { source: '', test: () => true, failingTerm: () => undefined };
const ZERO: CompiledRank = { source: '', value: () => 0 };

export class ExprCache {
  private readonly reqs = new Map<string, Compiled<CompiledRequirement>>();
  private readonly ranks = new Map<string, Compiled<CompiledRank>>();
  private readonly meters = new Map<string, StepMeter>();

  constructor(readonly stepLimit: number = DEFAULT_REQUIREMENT_STEPS) {}

  /** The meter every evaluation of requirement `source` in this plan spends on. */
  meter(source: string): StepMeter {
    let m = this.meters.get(source);
    if (!m) {
      m = new StepMeter(this.stepLimit);
      this.meters.set(source, m);
    }
    return m;
  }

  /** The requirement already went past its steps in this plan (its answers so far are right, the rest unknown). */
  overBudget(source: string): boolean {
    const m = this.meters.get(source);
    return m !== undefined && m.steps > m.limit;
  }

  /**
   * Runs an evaluation of requirement `source` on its meter: OVER_BUDGET when the meter runs
   * out (then, and on every later call, without evaluating anything).
   */
  evaluate<T>(source: string, run: (meter: StepMeter) => T): T | typeof OVER_BUDGET {
    const meter = this.meter(source);
    if (meter.steps > meter.limit) return OVER_BUDGET;
    try {
      return run(meter);
    } catch (e) {
      if (e instanceof EvaluationBudgetExceeded) return OVER_BUDGET;
      throw e;
    }
  }

  requirement(source: string): Compiled<CompiledRequirement> {
    let c = this.reqs.get(source);
    if (!c) {
      c = source.trim() === '' ? { ok: true, expr: TRUE } : attempt(() => compileRequirement(source));
      this.reqs.set(source, c);
    }
    return c;
  }

  /** A rank that does not compile ranks every resource 0, as OpenNebula's RankPolicy does. */
  rank(source: string): CompiledRank {
    let c = this.ranks.get(source);
    if (!c) {
      c = source.trim() === '' ? { ok: true, expr: ZERO } : attempt(() => compileRank(source));
      this.ranks.set(source, c);
    }
    return c.ok ? c.expr : ZERO;
  }
}

function attempt<T>(fn: () => T): Compiled<T> {
  try {
    return { ok: true, expr: fn() };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/**
 * AUTOMATIC_REQUIREMENTS combined with SCHED_REQUIREMENTS as OpenNebula's placer does
 * (VirtualMachineXML::init_attributes): "auto & ( user )", or whichever one is set.
 */
export function combineRequirements(automatic: string | undefined, user: string | undefined): string {
  const a = automatic ?? '';
  const u = user ?? '';
  if (u !== '' && a !== '') return `${a} & ( ${u} )`;
  return u !== '' ? u : a;
}

/** Rank value safe for ordering: NaN (a division by zero) ranks as 0. */
export function rankValue(rank: CompiledRank, lookup: AttrLookup): number {
  const v = rank.value(lookup);
  return Number.isNaN(v) ? 0 : v;
}

/** A lookup where some attributes (by bare name) are replaced, for ranks that see the plan's promises. */
export function overlayLookup(base: AttrLookup, overrides: ReadonlyMap<string, string>): AttrLookup {
  return (attr) => overrides.get(attr) !== undefined ? [overrides.get(attr)!] : base(attr);
}
