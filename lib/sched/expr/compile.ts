/**
 * Compiles requirement and rank expressions once into closures that evaluate them as
 * OpenNebula's bison actions do (src/parsers/expr_bool.y, expr_arith.y), against any object
 * through an AttrLookup. Each distinct source is compiled once per process while it is in use:
 * the memos are bounded (least recently used dropped first), since sources come from users.
 */
import type { ArithNode, BoolNode, ComparisonOp, Operand } from './ast';
import type { Meter } from './budget';
import { ExprSyntaxError } from './errors';
import { compileGlob, fnmatchBytes, toBytes, type Matcher } from './fnmatch';
import { LruMap } from './lru';
import type { AttrLookup, CompiledRank, CompiledRequirement } from './compiled';
import { CURRENT_VMS, currentVmsOf } from './lookup';
import { parseFloatLikeIstream, parseIntLikeIstream, floatToInt } from './numbers';
import { parseRankAst, parseRequirementAst } from './parser';

type Test = (lookup: AttrLookup, meter?: Meter) => boolean;
type Value = (lookup: AttrLookup) => number;

interface BoolTerm {
  readonly node: BoolNode;
  readonly test: Test;
  readonly children: readonly BoolTerm[];
}

/**
 * Bounds of the memos. Compiled expressions: enough for the distinct expressions of a large
 * queue (a plan's own cache keeps each one for the whole plan anyway), and a weight in source
 * characters, since memory follows length: about 80 bytes per character for usual shapes, 500
 * for the worst measured (a long run of `!`), so at most some 64 MB. Syntax errors have their
 * own smaller memo: a stream of refused expressions cannot push out the ones in use.
 */
export const MEMO_LIMITS = { entries: 2048, chars: 1 << 17, errors: 256, errorChars: 1 << 16 } as const;

interface Memo<T> {
  readonly compiled: LruMap<string, T>;
  readonly errors: LruMap<string, ExprSyntaxError>;
}

const memo = <T>(): Memo<T> => ({
  compiled: new LruMap(MEMO_LIMITS.entries, MEMO_LIMITS.chars),
  errors: new LruMap(MEMO_LIMITS.errors, MEMO_LIMITS.errorChars),
});

const requirementCache = memo<CompiledRequirement>();
const rankCache = memo<CompiledRank>();

/** What the memos hold now (entries and source characters), for tests and diagnostics. */
export function memoSizes(): Record<'requirements' | 'requirementErrors' | 'ranks' | 'rankErrors', { entries: number; chars: number }> {
  const of = (m: LruMap<string, unknown>) => ({ entries: m.size, chars: m.weight });
  return {
    requirements: of(requirementCache.compiled), requirementErrors: of(requirementCache.errors),
    ranks: of(rankCache.compiled), rankErrors: of(rankCache.errors),
  };
}

/** Compiles a requirement (SCHED_REQUIREMENTS, SCHED_DS_REQUIREMENTS, ...). Throws ExprSyntaxError when OpenNebula would reject it. */
export function compileRequirement(source: string): CompiledRequirement {
  return memoized(requirementCache, source, buildRequirement);
}

/** Compiles a rank (SCHED_RANK, SCHED_DS_RANK, ...). Throws ExprSyntaxError when OpenNebula would reject it. */
export function compileRank(source: string): CompiledRank {
  return memoized(rankCache, source, buildRank);
}

/** One compilation per distinct source while it stays in the memo; a syntax error is remembered and thrown again. */
function memoized<T>(cache: Memo<T>, source: string, build: (source: string) => T): T {
  const compiled = cache.compiled.get(source);
  if (compiled !== undefined) return compiled;
  const error = cache.errors.get(source);
  if (error !== undefined) throw error;
  try {
    const built = build(source);
    cache.compiled.set(source, built, source.length);
    return built;
  } catch (e) {
    if (e instanceof ExprSyntaxError) cache.errors.set(source, e, source.length);
    throw e;
  }
}

// ---------------------------------------------------------------- requirements

function buildRequirement(source: string): CompiledRequirement {
  const { ast } = parseRequirementAst(source);
  if (ast === null) {
    return { source, test: () => true, failingTerm: () => undefined };
  }
  const root = boolTerm(source, ast);
  const test = root.test;
  return {
    source,
    test,
    failingTerm: (lookup, meter) => (test(lookup, meter) ? undefined : failing(source, root, lookup, meter)),
  };
}

/**
 * The smallest part of the source that explains a false result: inside `&`, the first false
 * side; a comparison, a negation or a disjunction is reported whole (no single comparison
 * inside `a | b` or `!a` makes it false on its own).
 */
function failing(source: string, term: BoolTerm, lookup: AttrLookup, meter: Meter | undefined): string {
  const n = term.node;
  if (n.type === 'and') {
    const [left, right] = term.children;
    return left.test(lookup, meter) ? failing(source, right, lookup, meter) : failing(source, left, lookup, meter);
  }
  if (n.type === 'group') return failing(source, term.children[0], lookup, meter);
  return source.slice(n.start, n.end);
}

function boolTerm(source: string, node: BoolNode): BoolTerm {
  switch (node.type) {
    case 'and': {
      const left = boolTerm(source, node.left);
      const right = boolTerm(source, node.right);
      const l = left.test;
      const r = right.test;
      return { node, children: [left, right], test: (lk, m) => l(lk, m) && r(lk, m) };
    }
    case 'or': {
      const left = boolTerm(source, node.left);
      const right = boolTerm(source, node.right);
      const l = left.test;
      const r = right.test;
      return { node, children: [left, right], test: (lk, m) => l(lk, m) || r(lk, m) };
    }
    case 'not': {
      const inner = boolTerm(source, node.operand);
      const t = inner.test;
      return { node, children: [inner], test: (lk, m) => !t(lk, m) };
    }
    case 'group': {
      const inner = boolTerm(source, node.inner);
      return { node, children: [inner], test: inner.test };
    }
    case 'cmp':
      return { node, children: [], test: comparison(node.attr, node.op, node.operand) };
  }
}

function numericCompare(op: '=' | '!=' | '>' | '<', v: number, k: number): boolean {
  switch (op) {
    case '=':
      return v === k;
    case '!=':
      return v !== k;
    case '>':
      return v > k;
    case '<':
      return v < k;
  }
}

/**
 * One leaf of expr_bool.y. The scalar searches take the first value in document order that
 * reads as the operand's type (ObjectXML::__search over xpaths<T>); a missing attribute makes
 * every operator false, `!=` included. CURRENT_VMS on a host is HostXML's pseudo-attribute.
 * A leaf costs one step on the meter, plus one per value it reads and the matcher's steps.
 */
function comparison(attr: string, op: ComparisonOp, operand: Operand): Test {
  const isCurrentVms = attr === CURRENT_VMS;
  if (operand.kind === 'string') {
    const pattern = operand.value;
    // A NULL pattern (`""`) makes the action false before any search.
    if (pattern === null) return () => false;
    const match: Matcher = compileGlob(pattern);
    if (op === '@>') {
      return (lk, m) => {
        const values = lk(attr);
        m?.spend(1 + values.length);
        for (let i = 0; i < values.length; i++) if (match(values[i], m)) return true;
        return false;
      };
    }
    const negate = op === '!=';
    // HostXML::__search<std::string> finds no VM id equal to "" and assigns -1 to the string: the single byte 0xFF.
    const currentVmsMatch = isCurrentVms && fnmatchBytes(toBytes(pattern), '\xff') !== negate;
    return (lk, m) => {
      m?.spend(1);
      if (isCurrentVms && currentVmsOf(lk) !== undefined) return currentVmsMatch;
      const values = lk(attr);
      return values.length !== 0 && match(values[0], m) !== negate;
    };
  }
  const k = operand.value;
  const parse = operand.kind === 'int' ? parseIntLikeIstream : parseFloatLikeIstream;
  if (op === '@>') {
    // The vector search is not overridden by HostXML: CURRENT_VMS is an ordinary name here.
    return (lk, m) => {
      const values = lk(attr);
      m?.spend(1 + values.length);
      for (let i = 0; i < values.length; i++) if (parse(values[i]) === k) return true;
      return false;
    };
  }
  // `=` and `!=` with an integer start the search from the operand; other actions from an
  // uninitialised variable, taken here as a value that is not a VM id.
  const seeded = operand.kind === 'int' && (op === '=' || op === '!=');
  const scalarOp = op;
  return (lk, m) => {
    m?.spend(1);
    const vms = isCurrentVms ? currentVmsOf(lk) : undefined;
    if (vms !== undefined) {
      const v = seeded && vms.includes(k) ? k : -1;
      return numericCompare(scalarOp, v, k);
    }
    const values = lk(attr);
    for (let i = 0; i < values.length; i++) {
      const v = parse(values[i]);
      if (v === v) return numericCompare(scalarOp, v, k);
    }
    return false;
  };
}

// ---------------------------------------------------------------- ranks

function buildRank(source: string): CompiledRank {
  const { ast } = parseRankAst(source);
  if (ast === null) return { source, value: () => 0 };
  const v = arith(source, ast);
  return { source, value: (lookup) => floatToInt(v(lookup)) };
}

/** Every intermediate result is a C float: Math.fround after each operation reproduces it exactly. */
function arith(source: string, node: ArithNode): Value {
  switch (node.type) {
    case 'num': {
      const k = node.value;
      return () => k;
    }
    case 'attr': {
      const attr = node.attr;
      const isCurrentVms = attr === CURRENT_VMS;
      return (lk) => {
        const vms = isCurrentVms ? currentVmsOf(lk) : undefined;
        // HostXML::__search<float> starts from 0: it stays 0 when VM 0 runs there, else becomes -1.
        if (vms !== undefined) return vms.includes(0) ? 0 : -1;
        const n = lk.numeric?.(attr);
        if (n !== undefined) return n;
        const values = lk(attr);
        for (let i = 0; i < values.length; i++) {
          const v = parseFloatLikeIstream(values[i]);
          if (v === v) return v;
        }
        return 0;
      };
    }
    case 'neg': {
      const a = arith(source, node.operand);
      return (lk) => -a(lk);
    }
    case 'group':
      return arith(source, node.inner);
    case 'bin': {
      const a = arith(source, node.left);
      const b = arith(source, node.right);
      switch (node.op) {
        case '+':
          return (lk) => Math.fround(a(lk) + b(lk));
        case '-':
          return (lk) => Math.fround(a(lk) - b(lk));
        case '*':
          return (lk) => Math.fround(a(lk) * b(lk));
        case '/':
          return (lk) => Math.fround(a(lk) / b(lk));
      }
    }
  }
}
