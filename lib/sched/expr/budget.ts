/**
 * Evaluation budgets. The planner has no clock, so the work an expression may cost is counted
 * in steps: one per comparison, plus the matcher's work (bytes × pattern positions alive). An
 * evaluation that would go past its meter's limit throws EvaluationBudgetExceeded, which the
 * planner catches where it evaluates a job's expressions (the job then waits, saying why).
 */

/** Where evaluation spends its steps; throws EvaluationBudgetExceeded once over the limit. */
export interface Meter {
  spend(steps: number): void;
}

export class EvaluationBudgetExceeded extends Error {
  constructor(readonly limit: number) {
    super(`evaluation took more than ${limit} steps`);
    this.name = 'EvaluationBudgetExceeded';
  }
}

/** A meter with a fixed limit; `steps` is what was spent so far (beyond the limit for the step that failed). */
export class StepMeter implements Meter {
  steps = 0;

  constructor(readonly limit: number) {}

  spend(steps: number): void {
    this.steps += steps;
    if (this.steps > this.limit) throw new EvaluationBudgetExceeded(this.limit);
  }
}
