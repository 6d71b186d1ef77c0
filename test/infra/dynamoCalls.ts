/**
 * Which DynamoDB actions a function's code can call, read from the source with the TypeScript
 * checker: a call graph from the function's handler, in which a call through an interface
 * (JobRepository, Cloud, App...) reaches every implementation of that member in svmsched's code
 * (classes that implement it, object literals typed by it), and an object literal's function
 * typed by one of svmsched's interfaces is reached only through that member. So every handler
 * sharing one composition root (lib/app) still reaches only what it calls: getJob reaches
 * JobService.get, not JobService.submit.
 *
 * Sound by over-approximation: any reference to a function (called, passed, stored) counts as a
 * call, and a function literal passed to code outside svmsched (middy's middleware objects,
 * callbacks) counts as called by the function that mentions it.
 */
import path from 'node:path';
import ts from 'typescript';
import { TABLE_LOGICAL_IDS } from '../../lib/store/tables';

export interface DynamoUse {
  /** The IAM action, e.g. dynamodb:GetItem (a transaction counts as the item actions inside it). */
  readonly action: string;
  /** Logical id of the table (JobsTable...), or undefined when the source does not say it literally. */
  readonly table?: string;
  /** Whether it reads a secondary index (a Query with IndexName). */
  readonly index?: boolean;
  /** Where: file:line. */
  readonly at: string;
  /** How the handler reaches it (function names). */
  readonly via?: readonly string[];
}

const ROOT = path.resolve(import.meta.dirname, '../..');
/** The table a TableName expression names, by the TableNames field it reads. */
const TABLE_FIELDS: Readonly<Record<string, string>> = TABLE_LOGICAL_IDS;
const DOC_ITEM_COMMANDS = new Set(['Get', 'Put', 'Update', 'Delete', 'BatchGet', 'BatchWrite']);
/** The object literal `xs.map((x) => ({ ... }))` makes of each item, if it is that. */
function mappedLiteral(e: ts.Expression): ts.ObjectLiteralExpression | undefined {
  if (!ts.isCallExpression(e) || !ts.isPropertyAccessExpression(e.expression) || e.expression.name.text !== 'map') return undefined;
  const fn = e.arguments[0];
  if (!fn || !ts.isArrowFunction(fn) || ts.isBlock(fn.body)) return undefined;
  const body = ts.isParenthesizedExpression(fn.body) ? fn.body.expression : fn.body;
  return ts.isObjectLiteralExpression(body) ? body : undefined;
}

const TRANSACT_ITEMS: Record<string, string> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem', Get: 'GetItem' };

type Fn = ts.Node;

export class DynamoCallGraph {
  private readonly program: ts.Program;
  private readonly checker: ts.TypeChecker;
  /** Interface member declaration → the functions that implement it. */
  private readonly implementations = new Map<ts.Node, Set<Fn>>();
  /** Function literals reached only through the interface member they implement. */
  private readonly separate = new Set<ts.Node>();
  private readonly edges = new Map<Fn, { targets: Set<Fn>; uses: DynamoUse[] }>();

  constructor(entries: readonly string[]) {
    const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    this.program = ts.createProgram(entries.map((e) => path.join(ROOT, e)), config.options);
    this.checker = this.program.getTypeChecker();
    for (const file of this.ownFiles()) this.collectImplementations(file);
  }

  /** Every DynamoDB use reachable from the `handler` export of `file` (e.g. functions/getJob.ts). */
  reachable(file: string): DynamoUse[] {
    const source = this.program.getSourceFile(path.join(ROOT, file));
    if (!source) throw new Error(`${file} is not in the program`);
    const handler = source.statements.flatMap((s) => (ts.isVariableStatement(s) ? [...s.declarationList.declarations] : []))
      .find((d) => ts.isIdentifier(d.name) && d.name.text === 'handler');
    if (!handler) throw new Error(`${file} exports no handler`);
    const from = new Map<Fn, Fn | undefined>([[handler, undefined]]);
    const todo: Fn[] = [handler];
    const uses: DynamoUse[] = [];
    while (todo.length > 0) {
      const fn = todo.shift()!;
      const { targets, uses: own } = this.node(fn);
      uses.push(...own.map((u) => ({ ...u, via: this.path(fn, from) })));
      for (const t of targets) if (!from.has(t)) { from.set(t, fn); todo.push(t); }
    }
    return uses;
  }

  /** How the handler reaches `fn`, as names: why a use counts. */
  private path(fn: Fn, from: ReadonlyMap<Fn, Fn | undefined>): string[] {
    const names: string[] = [];
    for (let n: Fn | undefined = fn; n !== undefined; n = from.get(n)) names.unshift(nameOf(n));
    return names;
  }

  private ownFiles(): ts.SourceFile[] {
    return this.program.getSourceFiles().filter((f) => this.isOwn(f));
  }

  private isOwn(node: ts.Node): boolean {
    const file = node.getSourceFile().fileName;
    return file.startsWith(ROOT) && !file.includes('/node_modules/') && !file.endsWith('.d.ts');
  }

  private collectImplementations(file: ts.SourceFile): void {
    const visit = (n: ts.Node): void => {
      if (ts.isClassDeclaration(n)) {
        for (const clause of n.heritageClauses ?? []) {
          for (const t of clause.types) {
            for (const prop of this.checker.getTypeAtLocation(t).getProperties()) {
              const member = n.members.find((m) => m.name !== undefined && ts.isIdentifier(m.name) && m.name.text === prop.name);
              if (member) for (const d of prop.declarations ?? []) this.implement(d, member);
            }
          }
        }
      }
      if (ts.isObjectLiteralExpression(n)) {
        const type = this.checker.getContextualType(n);
        for (const p of n.properties) {
          const fn = ts.isMethodDeclaration(p) ? p : ts.isPropertyAssignment(p) && isFunctionLiteral(p.initializer) ? p.initializer : undefined;
          if (!fn || !p.name || !type) continue;
          // An async function's object literal is typed `T | PromiseLike<T>`: the member of each.
          const name = p.name.getText();
          const own = (type.isUnion() ? type.types : [type]).flatMap((t) => t.getProperty(name)?.declarations ?? []).filter((d) => this.isOwn(d));
          if (own.length === 0) continue; // called by code outside svmsched: part of the function that mentions it
          this.separate.add(fn);
          for (const d of own) this.implement(d, fn);
        }
      }
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(n.left) && isFunctionLiteral(n.right)) {
        // wrapped.transition = (...) => ...: reached through the member it replaces.
        const own = (this.checker.getSymbolAtLocation(n.left.name)?.declarations ?? []).filter((d) => this.isOwn(d));
        if (own.length > 0) {
          this.separate.add(n.right);
          for (const d of own) this.implement(d, n.right);
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(file);
  }

  private implement(member: ts.Node, fn: Fn): void {
    if (!this.isOwn(member) || member === fn) return;
    let set = this.implementations.get(member);
    if (!set) this.implementations.set(member, (set = new Set()));
    set.add(fn);
  }

  private node(fn: Fn): { targets: Set<Fn>; uses: DynamoUse[] } {
    let found = this.edges.get(fn);
    if (found) return found;
    found = { targets: new Set(), uses: [] };
    this.edges.set(fn, found);
    const { targets, uses } = found;
    const visit = (n: ts.Node, root: boolean): void => {
      if (!root && (this.separate.has(n) || ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n) || (ts.isMethodDeclaration(n) && ts.isClassLike(n.parent)))) return;
      if (ts.isNewExpression(n)) {
        const command = this.dynamoCommand(n.expression);
        if (command) uses.push(...this.usesOf(command, n));
      }
      if ((ts.isIdentifier(n) || ts.isPrivateIdentifier(n)) && isReference(n)) for (const t of this.resolve(n)) targets.add(t);
      ts.forEachChild(n, (c) => visit(c, false));
    };
    for (const body of bodiesOf(fn)) visit(body, true);
    return found;
  }

  /** The functions an identifier can stand for, in svmsched's own code. */
  private resolve(id: ts.Node): Fn[] {
    let symbol = ts.isShorthandPropertyAssignment(id.parent) ? this.checker.getShorthandAssignmentValueSymbol(id.parent) : this.checker.getSymbolAtLocation(id);
    if (!symbol) return [];
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
    const out: Fn[] = [];
    for (const d of symbol.declarations ?? []) {
      if (!this.isOwn(d)) continue;
      if (ts.isBindingElement(d) && ts.isObjectBindingPattern(d.parent)) {
        // const { jobs } = await app(): the property of what is destructured.
        const name = (d.propertyName ?? d.name).getText();
        const prop = this.checker.getTypeAtLocation(d.parent).getProperty(name);
        for (const pd of prop?.declarations ?? []) out.push(...this.declared(pd));
        continue;
      }
      out.push(...this.declared(d));
    }
    return out;
  }

  private declared(d: ts.Node): Fn[] {
    if (!this.isOwn(d)) return [];
    const impl = this.implementations.get(d);
    if (ts.isPropertySignature(d) || ts.isMethodSignature(d)) return impl ? [...impl] : [];
    if (ts.isFunctionDeclaration(d) || ts.isMethodDeclaration(d) || ts.isConstructorDeclaration(d) || ts.isGetAccessor(d) || ts.isSetAccessor(d)
      || ts.isClassDeclaration(d) || ts.isPropertyDeclaration(d)) return [d, ...(impl ?? [])];
    // A variable: its function, or, at module level, whatever its initializer runs when the module loads.
    // A local one's initializer ran in the function that declares it, already reached.
    if (ts.isVariableDeclaration(d)) {
      const moduleLevel = ts.isSourceFile(d.parent.parent.parent);
      return d.initializer && (isFunctionLiteral(d.initializer) || moduleLevel) ? [d] : [];
    }
    if (ts.isPropertyAssignment(d) && isFunctionLiteral(d.initializer)) return [d.initializer];
    return impl ? [...impl] : [];
  }

  /** `new XCommand(...)` of the DynamoDB clients: its name. */
  private dynamoCommand(expr: ts.Expression): string | undefined {
    let symbol = this.checker.getSymbolAtLocation(expr);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
    const file = symbol?.declarations?.[0]?.getSourceFile().fileName ?? '';
    if (!/@aws-sdk\/(lib-dynamodb|client-dynamodb)\//.test(file) || !symbol!.name.endsWith('Command')) return undefined;
    return symbol!.name;
  }

  private usesOf(command: string, n: ts.NewExpression): DynamoUse[] {
    const at = `${path.relative(ROOT, n.getSourceFile().fileName)}:${n.getSourceFile().getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
    const literal = this.literal(n.arguments?.[0]);
    const tableOf = (e: ts.Expression | undefined) => this.tableOf(e);
    const name = command.replace(/Command$/, '');
    if (name === 'TransactWrite' || name === 'TransactWriteItems' || name === 'TransactGet' || name === 'TransactGetItems') {
      const listed = literal && property(literal, 'TransactItems');
      // Items given one by one, or `...xs.map((x) => ({ Put: ... }))` for as many as there are.
      const items = listed && ts.isArrayLiteralExpression(listed)
        ? ts.factory.createNodeArray(listed.elements.map((e) => (ts.isSpreadElement(e) ? mappedLiteral(e.expression) ?? e : e)))
        : undefined;
      if (!items || items.some((e) => !ts.isObjectLiteralExpression(e))) {
        // Items built elsewhere: any item action it allows.
        const kinds = name.startsWith('TransactGet') ? ['Get'] : ['Put', 'Update', 'Delete', 'ConditionCheck'];
        return kinds.map((k) => ({ action: `dynamodb:${TRANSACT_ITEMS[k]}`, at }));
      }
      return (items.filter(ts.isObjectLiteralExpression)).flatMap((e) => e.properties.flatMap((p) => {
        const kind = p.name?.getText();
        if (!kind || !TRANSACT_ITEMS[kind]) return [];
        const value = ts.isPropertyAssignment(p) ? p.initializer : undefined;
        const item = this.literal(value);
        return [{ action: `dynamodb:${TRANSACT_ITEMS[kind]}`, table: item && tableOf(property(item, 'TableName')), at }];
      }));
    }
    const action = `dynamodb:${DOC_ITEM_COMMANDS.has(name) ? `${name}Item` : name}`;
    if (name === 'BatchGet' || name === 'BatchWrite' || name === 'BatchGetItem' || name === 'BatchWriteItem') {
      const requests = literal && property(literal, 'RequestItems');
      const keys = requests && ts.isObjectLiteralExpression(requests) ? requests.properties.map((p) => tableOf(p.name && ts.isComputedPropertyName(p.name) ? p.name.expression : undefined)) : [undefined];
      return keys.map((table) => ({ action, table, at }));
    }
    // `{ ...input, ExclusiveStartKey }`: whether it names an index is the caller's to say.
    const index = !literal ? undefined : property(literal, 'IndexName') !== undefined ? true : literal.properties.some(ts.isSpreadAssignment) ? undefined : false;
    return [{ action, table: literal && tableOf(property(literal, 'TableName')), index, at }];
  }

  /** The object literal an expression is, or names through a const (`const input = {...}`). */
  private literal(e: ts.Expression | undefined): ts.ObjectLiteralExpression | undefined {
    if (!e) return undefined;
    if (ts.isObjectLiteralExpression(e)) return e;
    if (!ts.isIdentifier(e)) return undefined;
    const d = this.checker.getSymbolAtLocation(e)?.declarations?.[0];
    return d && ts.isVariableDeclaration(d) && d.initializer && ts.isObjectLiteralExpression(d.initializer) ? d.initializer : undefined;
  }

  /**
   * The table a TableName expression names: `this.options.tables.jobs` → JobsTable; `this.table`,
   * a constructor parameter, → what every `new Class(...)` in svmsched passes there; undefined
   * when the source does not say.
   */
  private tableOf(expr: ts.Expression | undefined): string | undefined {
    if (!expr || !ts.isPropertyAccessExpression(expr)) return undefined;
    if (TABLE_FIELDS[expr.name.text]) return TABLE_FIELDS[expr.name.text];
    if (expr.expression.kind !== ts.SyntaxKind.ThisKeyword) return undefined;
    const cls = ts.findAncestor(expr, ts.isClassDeclaration);
    const ctor = cls?.members.find(ts.isConstructorDeclaration);
    const index = ctor?.parameters.findIndex((p) => p.name.getText() === expr.name.text) ?? -1;
    if (!cls?.name || index < 0) return undefined;
    const passed = new Set<string | undefined>();
    const visit = (n: ts.Node): void => {
      if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === cls.name!.text) passed.add(this.tableOf(n.arguments?.[index]));
      ts.forEachChild(n, visit);
    };
    for (const file of this.ownFiles().filter((f) => !f.fileName.includes('/test/') && !f.fileName.includes('/bench/'))) visit(file);
    return passed.size === 1 ? [...passed][0] : undefined;
  }
}

/** An identifier that reads a value: not the name a declaration gives, not a property being assigned to. */
function isReference(id: ts.Node): boolean {
  const parent = id.parent;
  if (ts.isShorthandPropertyAssignment(parent)) return true;
  if (ts.isPropertyAccessExpression(parent)) {
    if (parent.name !== id) return true;
    const assigned = ts.isBinaryExpression(parent.parent) && parent.parent.left === parent && parent.parent.operatorToken.kind === ts.SyntaxKind.EqualsToken;
    return !assigned;
  }
  return (parent as ts.Node & { name?: ts.Node }).name !== id;
}

function nameOf(n: ts.Node): string {
  const named = n as ts.Node & { name?: ts.Node };
  const own = named.name?.getText() ?? (n.parent && (n.parent as ts.Node & { name?: ts.Node }).name?.getText()) ?? '(anonymous)';
  const cls = ts.findAncestor(n.parent, ts.isClassLike)?.name?.getText();
  return `${cls ? `${cls}.` : ''}${own}`;
}

function isFunctionLiteral(n: ts.Node): n is ts.ArrowFunction | ts.FunctionExpression {
  return ts.isArrowFunction(n) || ts.isFunctionExpression(n);
}

/** What runs when a node is reached: a function's body, a variable's initializer, a class's constructor and field initializers. */
function bodiesOf(fn: Fn): ts.Node[] {
  if (ts.isVariableDeclaration(fn) || ts.isPropertyDeclaration(fn)) return fn.initializer ? [fn.initializer] : [];
  if (ts.isClassDeclaration(fn)) {
    return fn.members.flatMap((m): ts.Node[] => (ts.isConstructorDeclaration(m) && m.body ? [m.body]
      : ts.isPropertyDeclaration(m) && m.initializer ? [m.initializer] : []));
  }
  return [fn];
}

function property(literal: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const p of literal.properties) {
    if (p.name && p.name.getText() === name) return ts.isPropertyAssignment(p) ? p.initializer : ts.isShorthandPropertyAssignment(p) ? p.name : undefined;
  }
  return undefined;
}
