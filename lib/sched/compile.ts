/**
 * Phase 1, compile: every distinct expression is compiled once per plan; a syntax error is
 * kept as a value (the job waits with the position of the error), never thrown out of plan().
 */
import { compileRank, compileRequirement, type AttrLookup, type CompiledRank, type CompiledRequirement } from './expr';

export type Compiled<T> = { readonly ok: true; readonly expr: T } | { readonly ok: false; readonly error: string };

/** An expression that is always true / ranks 0, for empty sources. */
const TRUE: CompiledRequirement = { source: '', test: () => true, failingTerm: () => undefined };
const ZERO: CompiledRank = { source: '', value: () => 0 };

export class ExprCache {
  private readonly reqs = new Map<string, Compiled<CompiledRequirement>>();
  private readonly ranks = new Map<string, Compiled<CompiledRank>>();

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
