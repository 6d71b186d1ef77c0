/**
 * OpenNebula requirement and rank expressions (src/parsers/expr_bool.y, expr_arith.y).
 * Public surface of the expression language; the implementation lives beside this file.
 * CONTRACT used by the planner (lib/sched) — keep these signatures.
 */
export type { AttrLookup, CompiledRank, CompiledRequirement } from './compiled';
export { ExprSyntaxError } from './errors';
export { EvaluationBudgetExceeded, StepMeter, type Meter } from './budget';
export { compileRequirement, compileRank } from './compile';
export { hostLookup, datastoreLookup, vnetLookup } from './lookup';
export { xmlLookup, withCurrentVms, CURRENT_VMS, type ObjectKind } from './lookup';
