/**
 * Quoted attribute names as OpenNebula evaluates them. ObjectXML::search splices the name into
 * one XPath expression (after each search path, joined by '|'; an absolute name as it is) and
 * libxml2 evaluates it: an expression that is not XPath finds nothing, so the condition is false
 * and the rank term 0, rather than an error.
 *
 * This module reads XPath 1.0's whole grammar to tell those apart, and evaluates the part of it
 * made of element paths: unions of steps that are a name, `*`, `.`, `..` (also as `child::`,
 * `self::`, `parent::`) and `//`. Valid XPath beyond that (predicates, functions, operators,
 * other axes, namespaces) is reported as unsupported: the expression is refused, not guessed.
 */
import type { XmlNode } from '../snapshot';

export interface Step {
  readonly axis: 'child' | 'self' | 'parent' | 'descendant-or-self';
  /** An element name, '*' for any element, or 'node()' for any node (the document too). */
  readonly name: string;
}

export interface ElementPath {
  readonly absolute: boolean;
  readonly steps: readonly Step[];
}

export type XPathReading =
  | { readonly kind: 'paths'; readonly paths: readonly ElementPath[] }
  /** Not XPath, or XPath libxml2 always stops on (a number or a string in a union): nothing is found. */
  | { readonly kind: 'invalid' }
  | { readonly kind: 'unsupported'; readonly what: string };

/** Thrown where the text stops being XPath. */
class Invalid {}
/** Thrown where libxml2 reads text XPath does not have: not evaluated here. */
class Lenient {
  constructor(readonly what: string) {}
}

/** A number or a string literal standing as a union's operand. */
const SCALAR: ElementPath = { absolute: false, steps: [] };

/** `//`: descendant-or-self::node(). */
const ANY_DESCENDANT: Step = { axis: 'descendant-or-self', name: 'node()' };

const NODE_TYPES = new Set(['comment', 'text', 'processing-instruction', 'node']);
const AXES = new Set(['ancestor', 'ancestor-or-self', 'attribute', 'child', 'descendant', 'descendant-or-self', 'following',
  'following-sibling', 'namespace', 'parent', 'preceding', 'preceding-sibling', 'self']);
const NAME_START = /[A-Za-z_\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]/;
const NAME_CHAR = /[-.0-9\u00B7\u0300-\u036F\u203F\u2040]/;

/** A recursive-descent reader of XPath 1.0 (www.w3.org/TR/xpath, section 3), whitespace allowed between tokens. */
class Reader {
  private i = 0;
  /** Set by any construct beyond element paths; the first one is reported. */
  unsupported: string | undefined;
  /** A union with a number or a string in it, evaluated whatever the document: libxml2 stops with a type error. */
  typeError = false;
  /** 'and' or 'or', which may leave an operand unevaluated. */
  shortCircuit = false;
  /** Inside a predicate or a function's arguments, evaluated only for some nodes. */
  private nested = 0;
  constructor(private readonly s: string) {}

  read(): ElementPath[] {
    const paths = this.orExpr();
    this.blank();
    if (this.i < this.s.length) throw new Invalid();
    return paths;
  }

  private beyond(what: string): void {
    this.unsupported ??= what;
  }

  private blank(): void {
    while (this.i < this.s.length && ' \t\r\n'.includes(this.s[this.i])) this.i++;
  }

  private peek(text: string): boolean {
    this.blank();
    return this.s.startsWith(text, this.i);
  }

  private eat(text: string): boolean {
    if (!this.peek(text)) return false;
    this.i += text.length;
    return true;
  }

  private expect(text: string): void {
    if (!this.eat(text)) throw new Invalid();
  }

  private isNameStart(at = this.i): boolean {
    return at < this.s.length && NAME_START.test(this.s[at]);
  }

  /** An NCName at the cursor (after blanks), or undefined; the cursor moves past it only when `take`. */
  private ncname(take: boolean): string | undefined {
    this.blank();
    if (!this.isNameStart()) return undefined;
    let j = this.i + 1;
    while (j < this.s.length && (NAME_START.test(this.s[j]) || NAME_CHAR.test(this.s[j]))) j++;
    const name = this.s.slice(this.i, j);
    if (take) this.i = j;
    return name;
  }

  /** The next non-blank character after position j. */
  private after(j: number): string {
    while (j < this.s.length && ' \t\r\n'.includes(this.s[j])) j++;
    return this.s[j] ?? '';
  }

  /** An operator name (and, or, div, mod) at the cursor, taken when it is `name`. */
  private operatorName(name: string): boolean {
    const word = this.ncname(false);
    if (word !== name) return false;
    this.i += name.length;
    return true;
  }

  private orExpr(): ElementPath[] {
    let left = this.andExpr();
    while (this.operatorName('or')) {
      this.beyond("'or'");
      this.shortCircuit = true;
      this.andExpr();
      left = [];
    }
    return left;
  }

  private andExpr(): ElementPath[] {
    let left = this.equality();
    while (this.operatorName('and')) {
      this.beyond("'and'");
      this.shortCircuit = true;
      this.equality();
      left = [];
    }
    return left;
  }

  private equality(): ElementPath[] {
    let left = this.relational();
    while (this.peek('=') || this.peek('!=')) {
      this.i += this.s[this.i] === '=' ? 1 : 2;
      this.beyond('a comparison');
      this.relational();
      left = [];
    }
    return left;
  }

  private relational(): ElementPath[] {
    let left = this.additive();
    while (this.peek('<') || this.peek('>')) {
      this.i++;
      this.eat('=');
      this.beyond('a comparison');
      this.additive();
      left = [];
    }
    return left;
  }

  private additive(): ElementPath[] {
    let left = this.multiplicative();
    while (this.peek('+') || this.peek('-')) {
      this.i++;
      this.beyond('arithmetic');
      this.multiplicative();
      left = [];
    }
    return left;
  }

  private multiplicative(): ElementPath[] {
    let left = this.unary();
    while (this.eat('*') || this.operatorName('div') || this.operatorName('mod')) {
      this.beyond('arithmetic');
      this.unary();
      left = [];
    }
    return left;
  }

  private unary(): ElementPath[] {
    if (this.eat('-')) {
      this.beyond('arithmetic');
      this.unary();
      return [];
    }
    const paths = [this.pathExpr()];
    while (this.eat('|')) {
      // libxml2 ends a union quietly at a trailing '|'.
      if (this.peek('') && this.skipBlanks(this.i) === this.s.length) throw new Lenient("a '|' at the end");
      paths.push(this.pathExpr());
    }
    if (paths.length > 1 && paths.includes(SCALAR) && this.nested === 0) this.typeError = true;
    return paths.filter((p): p is ElementPath => p !== undefined && p !== SCALAR);
  }

  /** A location path (an ElementPath when it is one), a bare number or string (SCALAR), or another filter expression (undefined). */
  private pathExpr(): ElementPath | undefined {
    this.blank();
    const c = this.s[this.i] ?? '';
    const startsFilter = c === '$' || c === '(' || c === '"' || c === "'" || /[0-9]/.test(c)
      || (c === '.' && /[0-9]/.test(this.s[this.i + 1] ?? ''));
    const name = startsFilter ? undefined : this.ncname(false);
    const isCall = name !== undefined && this.after(this.i + name.length) === '(' && !NODE_TYPES.has(name)
      && !this.s.startsWith(':', this.i + name.length);
    const isPrefixedCall = name !== undefined && /^:[A-Za-z_]/.test(this.s.slice(this.i + name.length, this.i + name.length + 2));
    if (startsFilter || isCall || (isPrefixedCall && this.prefixedCall(name!))) {
      const scalar = this.filterExpr();
      if (this.eat('//') || this.eat('/')) {
        this.relativePath([]);
        return undefined;
      }
      return scalar ? SCALAR : undefined;
    }
    if (this.eat('//')) return { absolute: true, steps: this.relativePath([ANY_DESCENDANT]) };
    if (this.eat('/')) {
      this.blank();
      const n = this.s[this.i] ?? '';
      const stepFollows = n === '*' || n === '.' || n === '@' || this.isNameStart();
      return { absolute: true, steps: stepFollows ? this.relativePath([]) : [] };
    }
    return { absolute: false, steps: this.relativePath([]) };
  }

  /** QName '(' : a prefixed function call (libxml2 would need the namespace). */
  private prefixedCall(prefix: string): boolean {
    const rest = this.s.slice(this.i + prefix.length + 1);
    const m = /^[A-Za-z_][-.\w]*/.exec(rest);
    return m !== null && this.after(this.i + prefix.length + 1 + m[0].length) === '(';
  }

  /** True for a bare number or string literal (no predicate). */
  private filterExpr(): boolean {
    this.blank();
    let scalar = false;
    const c = this.s[this.i];
    if (c === '$') {
      this.i++;
      if (this.qname() === undefined) throw new Invalid();
      this.beyond('a variable');
    } else if (c === '(') {
      this.i++;
      this.orExpr();
      this.expect(')');
      this.beyond('parentheses');
    } else if (c === '"' || c === "'") {
      const close = this.s.indexOf(c, this.i + 1);
      if (close < 0) throw new Invalid();
      this.i = close + 1;
      this.beyond('a literal');
      scalar = true;
    } else if (/[0-9.]/.test(c)) {
      const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)/.exec(this.s.slice(this.i))!;
      this.i += m[0].length;
      this.beyond('a number');
      scalar = true;
    } else {
      this.qname();
      this.expect('(');
      this.nested++;
      if (!this.eat(')')) {
        this.orExpr();
        while (this.eat(',')) this.orExpr();
        this.expect(')');
      }
      this.nested--;
      this.beyond('a function');
    }
    const before = this.i;
    this.predicates();
    return scalar && this.i === before;
  }

  private qname(): string | undefined {
    const first = this.ncname(true);
    if (first === undefined) return undefined;
    if (this.s[this.i] === ':' && this.isNameStart(this.i + 1)) {
      this.i++;
      return `${first}:${this.ncname(true)!}`;
    }
    return first;
  }

  private predicates(): void {
    while (this.eat('[')) {
      this.beyond('a predicate');
      this.nested++;
      this.orExpr();
      this.expect(']');
      this.nested--;
    }
  }

  private relativePath(steps: Step[]): Step[] {
    const path = this.steps(steps);
    // libxml2 rewrites '//' before some steps into one descendant step; after '//' a parent
    // step (`//..`, `//parent::*`) does not select what XPath says.
    for (let k = 1; k < path.length; k++) {
      if (path[k - 1] === ANY_DESCENDANT && path[k].axis === 'parent') throw new Lenient("'..' or parent:: right after '//'");
    }
    return path;
  }

  private steps(steps: Step[]): Step[] {
    // libxml2 reads "///A" and "//" before a '/' although XPath has no step there.
    if (this.peek('/')) throw new Lenient("'/' right after '/' or '//'");
    steps.push(...this.step());
    for (;;) {
      if (this.eat('//')) steps.push(ANY_DESCENDANT, ...this.step());
      else if (this.eat('/')) steps.push(...this.step());
      else return steps;
    }
  }

  /** One step; `//`'s descendant-or-self::node() is represented by the caller. */
  private step(): Step[] {
    if (this.eat('..')) return [{ axis: 'parent', name: 'node()' }];
    if (this.eat('.')) return [{ axis: 'self', name: 'node()' }];
    let axis: Step['axis'] = 'child';
    if (this.eat('@')) {
      this.beyond('attributes');
    } else {
      const word = this.ncname(false);
      if (word !== undefined && this.after(this.i + word.length) === ':' && this.s.startsWith('::', this.skipBlanks(this.i + word.length))) {
        if (!AXES.has(word)) throw new Invalid();
        this.i = this.skipBlanks(this.i + word.length) + 2;
        if (word === 'child' || word === 'self' || word === 'parent') axis = word;
        else this.beyond(`the ${word} axis`);
      }
    }
    const name = this.nodeTest();
    this.predicates();
    return [{ axis, name }];
  }

  private skipBlanks(j: number): number {
    while (j < this.s.length && ' \t\r\n'.includes(this.s[j])) j++;
    return j;
  }

  private nodeTest(): string {
    if (this.eat('*')) return '*';
    const name = this.ncname(true);
    if (name === undefined) throw new Invalid();
    if (this.s[this.i] === ':') {
      if (this.s[this.i + 1] === '*') this.i += 2;
      else if (this.isNameStart(this.i + 1)) {
        this.i++;
        this.ncname(true);
      } else throw new Invalid();
      this.beyond('a namespace prefix');
      return '*';
    }
    if (NODE_TYPES.has(name) && this.peek('(')) {
      this.i++;
      if (name === 'processing-instruction' && (this.peek('"') || this.peek("'"))) this.filterExpr();
      this.expect(')');
      this.beyond(`${name}()`);
      return '*';
    }
    return name;
  }
}

/** What OpenNebula makes of this XPath expression: element paths, nothing (not XPath), or beyond what is evaluated here. */
export function readXPath(expression: string): XPathReading {
  const reader = new Reader(expression);
  try {
    const paths = reader.read();
    if (reader.typeError && !reader.shortCircuit) return { kind: 'invalid' };
    if (reader.unsupported !== undefined) return { kind: 'unsupported', what: reader.unsupported };
    return { kind: 'paths', paths };
  } catch (e) {
    if (e instanceof Invalid) return { kind: 'invalid' };
    if (e instanceof Lenient) return { kind: 'unsupported', what: e.what };
    throw e;
  }
}

/**
 * The elements an XPathReading's paths select in a document whose root element is `root`, each
 * once, in document order (an XPath node set). ObjectXML's XPath context has no context node, so
 * a relative path (one after '|' in a name) selects nothing; absolute ones start at the document.
 */
export function selectElements(root: XmlNode, paths: readonly ElementPath[]): XmlNode[] {
  const document: XmlNode = { name: '', text: '', children: [root] };
  const parents = new Map<XmlNode, XmlNode>();
  const order = new Map<XmlNode, number>();
  const walk = (n: XmlNode): void => {
    order.set(n, order.size);
    for (const c of n.children) {
      parents.set(c, n);
      walk(c);
    }
  };
  walk(document);
  const found = new Set<XmlNode>();
  for (const path of paths) {
    if (!path.absolute) continue;
    let set: XmlNode[] = [document];
    for (const step of path.steps) set = [...new Set(set.flatMap((n) => along(n, step, parents, document)))];
    for (const n of set) if (n !== document) found.add(n);
  }
  return [...found].sort((a, b) => order.get(a)! - order.get(b)!);
}

function along(n: XmlNode, step: Step, parents: Map<XmlNode, XmlNode>, document: XmlNode): XmlNode[] {
  const fits = (m: XmlNode): boolean => step.name === 'node()' || (m !== document && (step.name === '*' || m.name === step.name));
  switch (step.axis) {
    case 'child':
      return n.children.filter(fits);
    case 'self':
      return fits(n) ? [n] : [];
    case 'parent': {
      const p = parents.get(n);
      return p !== undefined && fits(p) ? [p] : [];
    }
    case 'descendant-or-self': {
      const out: XmlNode[] = [];
      const down = (m: XmlNode): void => {
        out.push(m);
        for (const c of m.children) down(c);
      };
      down(n);
      return out;
    }
  }
}
