import { describe, expect, it } from 'vitest';
import { parseXml } from '../../../lib/one/xml';
import { compileRank, compileRequirement, xmlLookup, type AttrLookup } from '../../../lib/sched/expr';
import { fixtureJson } from './helpers';

/**
 * Results of OpenNebula's own evaluator: expr_bool.y, expr_arith.y and expr_parser.l built with
 * bison and flex, with the rank placer's HostXML search paths and CURRENT_VMS, libxml2's XPath
 * and glibc's fnmatch, run on random hosts and random (often malformed) expressions.
 * null means OpenNebula reported a syntax error. Regenerating it: test/fixtures/expr/README.md.
 */
interface Fixture {
  readonly hosts: readonly string[];
  readonly cases: readonly { host: number; expr: string; bool: boolean | null; rank: number | null }[];
}

function orNull<T>(run: () => T): T | null {
  try {
    return run();
  } catch {
    return null;
  }
}

describe("agreement with OpenNebula's evaluator", () => {
  it('gives the same requirement and rank results on every recorded case', () => {
    // Prepare
    const fixture = fixtureJson<Fixture>('opennebula-evaluator.json');
    const lookups: AttrLookup[] = fixture.hosts.map((xml) => xmlLookup(parseXml(xml), 'host'));
    // Act
    const differing = fixture.cases.filter((c) => {
      const bool = orNull(() => compileRequirement(c.expr).test(lookups[c.host]));
      const rank = orNull(() => compileRank(c.expr).value(lookups[c.host]));
      return bool !== c.bool || rank !== c.rank;
    });
    // Assess
    expect(fixture.cases.length).toBeGreaterThan(3900);
    expect(differing).toEqual([]);
  });
});
