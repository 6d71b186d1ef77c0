/**
 * Every function's IAM role grants every DynamoDB action its code can call, and nothing else.
 * DynamoDB Local checks no permission, so only this test stands between a new call and an
 * AccessDeniedException on AWS.
 *
 * What the code can call comes from the source (test/infra/dynamoCalls.ts): a call graph from
 * each handler, through svmsched's interfaces to their implementations, so that handlers sharing
 * lib/app reach only what they call. It over-approximates (any reference counts as a call), so
 * "granted ⊇ reachable" is sound: a path no test exercises still counts. "Nothing else" compares
 * each grant with the same reachable set; where the source does not say the table or index
 * literally (a TableName passed in from a caller), the use justifies that action on any table of
 * the role and no more.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DynamoCallGraph, type DynamoUse } from './dynamoCalls';

const ROOT = path.resolve(__dirname, '../..');

interface Grant {
  readonly action: string;
  readonly table: string;
  /** The statement's resource is the table's indexes (`<table arn>/index/*`). */
  readonly index: boolean;
}

interface FunctionInfo {
  readonly name: string;
  readonly file: string;
  readonly role: string;
  uses: DynamoUse[];
}

let functions: FunctionInfo[];
let grants: Map<string, Grant[]>;

/**
 * A statement's resource: `{ Fn::GetAtt: [JobsTable, Arn] }` or `{ Fn::Join: ['', [{ Fn::GetAtt: [JobsTable, Arn] }, '/index/*']] }`
 * (or one named index, `/index/queue`: the analysis tells an index from the table, not which index).
 */
function resourceOf(resource: unknown): { table: string; index: boolean } {
  const r = resource as Record<string, any>;
  if (r['Fn::GetAtt']?.[1] === 'Arn') return { table: r['Fn::GetAtt'][0], index: false };
  const parts = r['Fn::Join']?.[1];
  if (Array.isArray(parts) && parts.length === 2 && parts[0]?.['Fn::GetAtt']?.[1] === 'Arn' && /^\/index\/(\*|[A-Za-z0-9_.-]+)$/.test(parts[1])) {
    return { table: parts[0]['Fn::GetAtt'][0], index: true };
  }
  throw new Error(`a DynamoDB statement's resource this test cannot read: ${JSON.stringify(resource)}`);
}

beforeAll(async () => {
  const sls = parse(await readFile(path.join(ROOT, 'serverless.yml'), 'utf8'));
  const iam = parse(await readFile(path.join(ROOT, 'resources/iam.yml'), 'utf8'));
  grants = new Map();
  for (const [role, resource] of Object.entries<any>(iam.Resources)) {
    if (resource.Type !== 'AWS::IAM::Role') continue;
    const statements = (resource.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement);
    grants.set(role, statements.flatMap((s: any) => {
      expect(s.Effect, `${role}: only Allow statements`).toBe('Allow');
      const actions = [s.Action].flat().filter((a: string) => a.startsWith('dynamodb:'));
      return actions.flatMap((action: string) => [s.Resource].flat().map((r: unknown) => ({ action, ...resourceOf(r) })));
    }));
  }
  functions = Object.entries<any>(sls.functions).map(([name, f]) => {
    const [file] = String(f.handler).split(/\.(?=[^.]+$)/);
    return { name, file: `${file}.ts`, role: f.role, uses: [] };
  });
  const graph = new DynamoCallGraph(functions.map((f) => f.file));
  for (const f of functions) f.uses = graph.reachable(f.file);
}, 120_000);

const where = (u: DynamoUse) => `${u.at} via ${u.via?.join(' > ')}`;

/** Whether a grant covers a use: same action, the use's table (any, when the source does not say), its index or the table itself. */
function covers(g: Grant, u: DynamoUse): boolean {
  if (g.action !== u.action || (u.table !== undefined && g.table !== u.table)) return false;
  if (u.action !== 'dynamodb:Query' || u.index === undefined) return u.action === 'dynamodb:Query' || !g.index;
  return g.index === u.index;
}

describe('IAM roles against the code', () => {
  it('every function runs with a role the resources declare', () => {
    expect(functions.length).toBeGreaterThan(0);
    for (const f of functions) expect(grants.has(f.role), `${f.name}: role ${f.role} is not in resources/iam.yml`).toBe(true);
  });

  it('finds the calls it must (the analysis is not blind)', () => {
    const uses = (fn: string) => functions.find((f) => f.name === fn)!.uses;
    const has = (fn: string, action: string, table: string) => uses(fn).some((u) => u.action === action && u.table === table);
    expect(has('listJobs', 'dynamodb:BatchGetItem', 'JobsTable')).toBe(true);
    expect(has('submitJob', 'dynamodb:DeleteItem', 'IdempotencyTable')).toBe(true);
    expect(has('submitJob', 'dynamodb:PutItem', 'IdempotencyTable')).toBe(true);
    expect(has('authorizer', 'dynamodb:GetItem', 'TokensTable')).toBe(true);
    expect(has('tick', 'dynamodb:UpdateItem', 'LeasesTable')).toBe(true);
    // ...and only those: the read-only API reaches no write through the shared composition root.
    for (const fn of ['getJob', 'listJobs', 'listServices', 'getCluster', 'authorizer']) {
      expect(uses(fn).filter((u) => !/GetItem|BatchGetItem|Query/.test(u.action)).map(where), fn).toEqual([]);
    }
  });

  it('grants every DynamoDB action each function\'s code can call', () => {
    const missing = functions.flatMap((f) => f.uses
      .filter((u) => !grants.get(f.role)!.some((g) => covers(g, u)))
      .map((u) => `${f.name} (${f.role}) needs ${u.action} on ${u.table ?? 'its table'}${u.index ? ' (index)' : ''}: ${where(u)}`));
    expect([...new Set(missing)]).toEqual([]);
  });

  it('grants nothing else: every DynamoDB grant is used by a function of that role', () => {
    const unused = [...grants].flatMap(([role, list]) => {
      const uses = functions.filter((f) => f.role === role).flatMap((f) => f.uses);
      return list.filter((g) => !uses.some((u) => covers(g, u)))
        .map((g) => `${role} grants ${g.action} on ${g.table}${g.index ? '/index/*' : ''}, which none of its functions calls`);
    });
    expect(unused).toEqual([]);
  });
});
