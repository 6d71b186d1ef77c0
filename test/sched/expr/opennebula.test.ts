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

function differing(fixture: Fixture): Fixture['cases'][number][] {
  const lookups: AttrLookup[] = fixture.hosts.map((xml) => xmlLookup(parseXml(xml), 'host'));
  return fixture.cases.filter((c) => {
    const bool = orNull(() => compileRequirement(c.expr).test(lookups[c.host]));
    const rank = orNull(() => compileRank(c.expr).value(lookups[c.host]));
    return bool !== c.bool || rank !== c.rank;
  });
}

describe("agreement with OpenNebula's evaluator", () => {
  it('gives the same requirement and rank results on every recorded case', () => {
    // Prepare
    const fixture = fixtureJson<Fixture>('opennebula-evaluator.json');
    // Act
    const differ = differing(fixture);
    // Assess
    expect(fixture.cases.length).toBeGreaterThan(3900);
    expect(differ).toEqual([]);
  });

  it('agrees on quoted names that are XPath and on containers of pretty-printed hosts', () => {
    // Prepare
    const fixture = fixtureJson<Fixture>('opennebula-evaluator-names.json');
    const quoted = fixture.cases.filter((c) => c.expr.startsWith('"'));
    const indented = new Set(fixture.hosts.flatMap((xml, i) => (xml.includes('\n  <') ? [i] : [])));
    // Act
    const differ = differing(fixture);
    // Assess: both kinds are there in numbers, including names OpenNebula finds nothing for.
    expect(quoted.length).toBeGreaterThan(2000);
    expect(quoted.filter((c) => c.rank === 0 && /[\s\]\[()$#]/.test(c.expr.slice(1, c.expr.indexOf('"', 1)))).length).toBeGreaterThan(200);
    expect(fixture.cases.filter((c) => indented.has(c.host)).length).toBeGreaterThan(1500);
    expect(differ).toEqual([]);
  });
});
