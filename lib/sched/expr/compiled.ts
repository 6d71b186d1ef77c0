/** What the planner holds of an expression once compiled, and how it reads the object it is tested on. */
import type { Meter } from './budget';

/**
 * Every value of an attribute for one object, in document order ([] when missing). `numeric`,
 * when present, answers some attributes as the number their text would be read as (a plan's
 * own figures, without a round trip through text); undefined means: read the text.
 */
export type AttrLookup = ((attr: string) => readonly string[]) & { readonly numeric?: (attr: string) => number | undefined };

export interface CompiledRequirement {
  readonly source: string;
  /**
   * true when the object satisfies the expression (an empty expression is true). With a meter,
   * the work is counted on it and EvaluationBudgetExceeded is thrown once it is over its limit.
   */
  test(lookup: AttrLookup, meter?: Meter): boolean;
  /** The first term (its source text) that made the expression false for this object, for waiting reasons; undefined when it holds. */
  failingTerm(lookup: AttrLookup, meter?: Meter): string | undefined;
}

export interface CompiledRank {
  readonly source: string;
  /** Rank value, truncated to an integer as OpenNebula does (an empty expression is 0). */
  value(lookup: AttrLookup): number;
}
