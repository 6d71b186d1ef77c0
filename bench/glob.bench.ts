/**
 * Glob matching worst case: `*[!~]` repeated k times then `~` (a 46-character requirement with
 * k = 8) against a long attribute value with no `~`, by the backtracking matcher svmsched used
 * before (glibc's loop transcribed) and by the matcher it uses now. The old one is run only
 * while a case stays under a few seconds: it grows about ×(n / k) per pair.
 *   npx tsx bench/glob.bench.ts
 */
import { compileGlob } from '../lib/sched/expr/fnmatch';
import { StepMeter } from '../lib/sched/expr/budget';
import { backtrackingFnmatch } from '../test/sched/expr/backtrackingFnmatch';

const hostile = (pairs: number): string => `${'*[!~]'.repeat(pairs)}~`;

function ms(run: () => void): number {
  const t0 = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** The old matcher's next case is skipped when it would take longer than this (it grows about ×length/pairs per pair). */
const OLD_LIMIT_MS = 3000;
for (const length of [300, 10_000]) {
  const value = 'x'.repeat(length);
  let oldTooSlow = false;
  for (const pairs of [1, 2, 3, 4, 8, 20]) {
    const pattern = hostile(pairs);
    const match = compileGlob(pattern);
    const meter = new StepMeter(Number.MAX_SAFE_INTEGER);
    match(value, meter);
    // The compiled matcher is reused, as the expression cache does: time many runs.
    const runs = Math.max(20, Math.round(2_000_000 / (pattern.length * length)));
    for (let r = 0; r < runs; r++) match(value);
    const now = ms(() => {
      for (let r = 0; r < runs; r++) match(value);
    }) / runs;
    let old = '—';
    if (!oldTooSlow) {
      const t = ms(() => backtrackingFnmatch(pattern, value));
      old = `${t.toFixed(1)} ms`;
      oldTooSlow = t * (length / (pairs + 1)) > OLD_LIMIT_MS;
    } else {
      old = 'not run (over a few seconds)';
    }
    console.log(`${pairs} pair(s) (${pattern.length} chars) vs ${length} bytes: now ${now.toFixed(3)} ms (${meter.steps} steps); backtracking ${old}`);
  }
}
