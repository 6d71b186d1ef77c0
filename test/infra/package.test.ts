/**
 * `serverless package` works here, offline, and the CloudFormation it writes declares what
 * svmsched needs on AWS: every function, the schedule, the tables with their queue index and
 * TTL, and IAM statements limited to the tables and actions each function uses.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
type Resource = { Type: string; Properties: any };
let resources: Record<string, Resource>;
let outDir: string;

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'svmsched-pkg-'));
  const buildDir = `.esbuild-pkg-${process.pid}`;
  await promisify(execFile)(process.execPath, [path.join(ROOT, 'node_modules/serverless/bin/serverless.js'), 'package', '--stage', 'prod', '--package', outDir], {
    cwd: ROOT,
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', SLS_TELEMETRY_DISABLED: '1', SVMSCHED_BUILD_DIR: buildDir },
    timeout: 240_000,
  });
  await rm(path.join(ROOT, buildDir), { recursive: true, force: true });
  resources = JSON.parse(await readFile(path.join(outDir, 'cloudformation-template-update-stack.json'), 'utf8')).Resources;
}, 300_000);
afterAll(async () => { if (outDir) await rm(outDir, { recursive: true, force: true }); });

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

/** The statements of the role a function runs with, without the log ones every function has. */
function statementsOf(fn: string) {
  const role = resources[`${fn}LambdaFunction`]!.Properties.Role['Fn::GetAtt'][0];
  return (resources[role]!.Properties.Policies as any[]).flatMap((p) => p.PolicyDocument.Statement)
    .filter((s: any) => !s.Action.every((a: string) => a.startsWith('logs:')));
}
const tablesOf = (statement: any) => statement.Resource.map((r: any) => JSON.stringify(r).match(/"(\w+Table)"/)?.[1] ?? JSON.stringify(r));

describe('serverless package', () => {
  it('declares every function, HTTP routes behind the authorizer, and the tick and optimiser schedules', () => {
    const names = ofType('AWS::Lambda::Function').map(([k]) => k.replace(/LambdaFunction$/, '')).sort();
    expect(names).toEqual(['Authorizer', 'CancelJob', 'CompleteJob', 'GetCluster', 'GetJob', 'ListJobs', 'ListServices', 'Optimize', 'SubmitJob', 'Tick']);
    const methods = ofType('AWS::ApiGateway::Method').map(([, r]) => r.Properties);
    expect(methods.length).toBe(7);
    for (const m of methods) {
      const callback = JSON.stringify(m.Integration.Uri).includes('CompleteJob');
      expect(m.AuthorizationType, JSON.stringify(m.Integration.Uri)).toBe(callback ? 'NONE' : 'CUSTOM');
    }
    const schedules = Object.fromEntries(ofType('AWS::Events::Rule').map(([, r]) => [JSON.stringify(r.Properties.Targets).match(/"(\w+)LambdaFunction"/)?.[1], r.Properties.ScheduleExpression]));
    expect(schedules).toEqual({ Tick: 'rate(1 minute)', Optimize: 'rate(10 minutes)' });
  });

  it('answers API Gateway\'s own errors in svmsched\'s JSON error shape', () => {
    const types = ofType('AWS::ApiGateway::GatewayResponse').map(([, r]) => r.Properties.ResponseType).sort();
    expect(types).toEqual(['ACCESS_DENIED', 'DEFAULT_4XX', 'DEFAULT_5XX', 'REQUEST_TOO_LARGE', 'UNAUTHORIZED']);
    for (const [, r] of ofType('AWS::ApiGateway::GatewayResponse')) expect(r.Properties.ResponseTemplates['application/json']).toMatch(/^\{"error":\{"code":/);
  });

  it('declares the tables, the sparse queue index and TTL on finished jobs', () => {
    const jobs = resources.JobsTable!.Properties;
    expect(jobs.TableName).toBe('svmsched-prod-jobs');
    expect(jobs.GlobalSecondaryIndexes.map((i: any) => i.IndexName)).toContain('queue');
    expect(jobs.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(Object.keys(resources).filter((k) => resources[k]!.Type === 'AWS::DynamoDB::Table').sort()).toEqual(['IdempotencyTable', 'JobsTable', 'LeasesTable', 'TokensTable']);
  });

  it('gives each function only the tables and actions it uses', () => {
    const all = Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Role')
      .flatMap((r) => (r.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement));
    for (const s of all) {
      for (const a of s.Action) expect(a).not.toMatch(/\*|Scan|DeleteTable|CreateTable/);
      expect(JSON.stringify(s.Resource)).not.toBe('"*"');
    }
    expect(statementsOf('Authorizer')).toEqual([expect.objectContaining({ Action: ['dynamodb:GetItem'] })]);
    expect(tablesOf(statementsOf('Authorizer')[0])).toEqual(['TokensTable']);
    for (const fn of ['GetJob', 'ListJobs', 'ListServices']) {
      const read = statementsOf(fn);
      expect(read.flatMap((s: any) => s.Action).sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
      expect(new Set(read.flatMap(tablesOf))).toEqual(new Set(['JobsTable']));
    }
    const tick = statementsOf('Tick');
    expect(tick.flatMap(tablesOf).sort()).toEqual(['JobsTable', 'JobsTable', 'LeasesTable']);
    expect(tick.flatMap((s: any) => s.Action)).not.toContain('lambda:InvokeFunction');
    expect(statementsOf('Optimize')).toEqual(tick);
    expect(statementsOf('SubmitJob').flatMap((s: any) => s.Action)).toContain('lambda:InvokeFunction');
    // the coalesced kick: one UpdateItem on the tick's lease item
    const kick = statementsOf('SubmitJob').filter((s: any) => tablesOf(s).includes('LeasesTable'));
    expect(kick.map((s: any) => [s.Action, tablesOf(s)])).toEqual([[['dynamodb:UpdateItem'], ['LeasesTable']]]);
    // GET /cluster: the tick's last view, the queue only while there is none
    expect(statementsOf('GetCluster').map((s: any) => [s.Action, tablesOf(s)])).toEqual([[['dynamodb:Query'], ['JobsTable']], [['dynamodb:GetItem'], ['LeasesTable']]]);
    expect(JSON.stringify(statementsOf('GetCluster')[0].Resource)).toContain('/index/queue');
  });

  it('runs one tick and one optimiser at a time, and throttles the API stage', () => {
    expect(resources.TickLambdaFunction!.Properties.ReservedConcurrentExecutions).toBe(1);
    expect(resources.OptimizeLambdaFunction!.Properties.ReservedConcurrentExecutions).toBe(1);
    const stages = ofType('AWS::ApiGateway::Stage');
    expect(stages).toHaveLength(1);
    const [, stage] = stages[0]!;
    expect(stage.Properties.StageName).toBe('prod');
    expect(stage.Properties.MethodSettings).toEqual([{ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 }]);
    // The stage is this resource's, not the deployment's (whose settings would not reach an existing stage).
    const [[deploymentId, deployment]] = ofType('AWS::ApiGateway::Deployment');
    expect(deployment!.Properties.StageName).toBeUndefined();
    expect(stage.Properties.DeploymentId).toEqual({ Ref: deploymentId });
  });
});
