import { describe, expect, it } from 'vitest';
import { parseXml } from '../../../lib/one/xml';
import { compileRank, compileRequirement, xmlLookup } from '../../../lib/sched/expr';
import { readXPath } from '../../../lib/sched/expr/xpath';

// Every expected value below is what OpenNebula's evaluator (expr_bool.y, expr_arith.y with
// ObjectXML's search on libxml2) answered for these two documents.
const compact = xmlLookup(parseXml(
  '<HOST><ID>3</ID><NAME>n1</NAME><TEMPLATE><CPU>5</CPU><X><A>7</A><B>8</B></X></TEMPLATE><HOST_SHARE><CPU>9</CPU></HOST_SHARE><VMS><ID>4</ID></VMS></HOST>',
), 'host');
const indented = xmlLookup(parseXml(`<HOST>
  <ID>3</ID>
  <TEMPLATE>
    <CPU>5</CPU>
    <X>
      <A>7</A>
      <B>8</B>
    </X>
    <Y>1<A>2</A>3</Y>
  </TEMPLATE>
</HOST>`), 'host');

const rank = (expr: string, host = compact): number => compileRank(expr).value(host);
const holds = (expr: string, host = compact): boolean => compileRequirement(expr).test(host);

describe('a quoted name is spliced into XPath, as OpenNebula does', () => {
  it('finds nothing when the name is not XPath: false as a condition, whatever the operator, and 0 as a rank', () => {
    for (const name of ['"CPU > 4"', '"FREE CPU"', '"CPU]"', '"5"', '"A\'"', '"/CPU|/HOST/ID)"', '"count(X)"']) {
      expect(rank(name), name).toBe(0);
      for (const op of ['= 5', '!= 5', '> 4', '< 9', '@> 5', '= "*"', '!= "x"']) expect(holds(`${name} ${op}`), `${name} ${op}`).toBe(false);
    }
  });

  it('evaluates unions, // and the . and .. steps over the whole document', () => {
    expect(rank('"CPU|ID"')).toBe(5);
    expect(rank('"//CPU"')).toBe(5);
    expect(rank('"X//A"')).toBe(7);
    expect(rank('"child::CPU"')).toBe(5);
    expect(rank('"."')).toBe(3);
    expect(rank('".."')).toBe(3);
    expect(holds('"X/*" @> 8')).toBe(true);
    expect(holds('"CPU|ID" != 5')).toBe(false);
  });

  it('selects nothing with a relative path inside the name: ObjectXML has no context node', () => {
    expect(rank('"/HOST/ID|*"')).toBe(3);
    expect(holds('"/X|*" != 1.5')).toBe(false);
  });

  it('refuses XPath beyond element paths, naming what is not supported', () => {
    expect(() => compileRank('"CPU[1]"')).toThrow(/a predicate in XPath is not supported/);
    expect(() => compileRank('"CPU|last()"')).toThrow(/a function/);
    expect(() => compileRank('"/HOST/ID+1"')).toThrow(/arithmetic/);
    expect(() => compileRequirement('"x:y" = 1')).toThrow(/namespace prefix/);
    expect(() => compileRequirement('"///A" = 1')).toThrow(/'\/' right after/);
    expect(readXPath('/HOST/A | /HOST/B').kind).toBe('paths');
    expect(readXPath('/HOST/A B').kind).toBe('invalid');
  });
});

describe('the value of an element with children', () => {
  it('is all its text in document order, so indentation stops a number at the first child', () => {
    expect(rank('"X"')).toBe(78);
    expect(rank('"X"', indented)).toBe(7);
    expect(rank('TEMPLATE', indented)).toBe(5);
    expect(rank('"Y"', indented)).toBe(123);
    expect(holds('X = "[[:space:]]*7[[:space:]]*8[[:space:]]*"', indented)).toBe(true);
    expect(holds('X = "[[:space:]]7[[:space:]]*8[[:space:]]*"', indented)).toBe(false);
  });
});
