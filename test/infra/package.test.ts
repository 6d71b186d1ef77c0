/**
 * `serverless package` works here, offline, and the CloudFormation it writes declares what
 * svmsched needs on AWS: every function, the schedule, the tables with their queue index and
 * TTL, and IAM statements limited to the tables and actions each function uses. It holds no
 * secret and no test-only setting, and packaging refuses a missing or invalid configuration.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
type Resource = { Type: string; Properties: any };
let resources: Record<string, Resource>;
let outDir: string;
let packaged: string;

/** What a deployer's shell may hold while packaging: none of it may reach the package. */
const SECRETS = {
  SVMSCHED_ONE_PASSWORD: 'pw-7c1e-never-packaged',
  ONE_AUTH: '/home/deployer/.one/one_auth-never-packaged',
  SVMSCHED_ONE_AUTH: '/tmp/one_auth-never-packaged',
  SVMSCHED_CONTEXT_SECRET: 'seal-9f2d-never-packaged',
  SVMSCHED_CRASH_POINTS: 'crash-never-packaged',
  DYNAMODB_ENDPOINT: 'http://127.0.0.1:1/never-packaged',
  LAMBDA_ENDPOINT: 'http://127.0.0.1:2/never-packaged',
};

function slsPackage(outDir: string, env: Record<string, string>) {
  return promisify(execFile)(process.execPath, [path.join(ROOT, 'node_modules/serverless/bin/serverless.js'), 'package', '--stage', 'prod', '--package', outDir], {
    cwd: ROOT,
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', SLS_TELEMETRY_DISABLED: '1', ...env },
    timeout: 240_000,
  });
}

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'svmsched-pkg-'));
  const buildDir = `.esbuild-pkg-${process.pid}`;
  await slsPackage(outDir, {
    ...SECRETS, SVMSCHED_BUILD_DIR: buildDir, SVMSCHED_DEPLOY_CONFIG: 'local/svmsched.xml',
    SVMSCHED_VPC_SUBNET_IDS: 'subnet-0a1b, subnet-2c3d', SVMSCHED_VPC_SECURITY_GROUP_IDS: 'sg-0e4f',
  });
  await rm(path.join(ROOT, buildDir), { recursive: true, force: true });
  resources = JSON.parse(await readFile(path.join(outDir, 'cloudformation-template-update-stack.json'), 'utf8')).Resources;
  const texts = await Promise.all((await readdir(outDir)).filter((f) => f.endsWith('.json')).map((f) => readFile(path.join(outDir, f), 'utf8')));
  packaged = texts.join('\n');
}, 300_000);
afterAll(async () => { if (outDir) await rm(outDir, { recursive: true, force: true }); });

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

/** The statements of the role a function runs with, without the log ones every function has (and the password's, unless asked). */
function statementsOf(fn: string, withSsm = false) {
  const role = resources[`${fn}LambdaFunction`]!.Properties.Role['Fn::GetAtt'][0];
  return (resources[role]!.Properties.Policies as any[]).flatMap((p) => p.PolicyDocument.Statement)
    .filter((s: any) => !s.Action.every((a: string) => a.startsWith('logs:') || (!withSsm && a.startsWith('ssm:'))));
}
const tablesOf = (statement: any) => statement.Resource.map((r: any) => JSON.stringify(r).match(/"(\w+Table)"/)?.[1] ?? JSON.stringify(r));

describe('serverless package', () => {
  it('declares every function, HTTP routes behind the authorizer, and the tick and optimiser schedules', () => {
    const names = ofType('AWS::Lambda::Function').map(([k]) => k.replace(/LambdaFunction$/, '')).sort();
    expect(names).toEqual(['Authorizer', 'CancelJob', 'CompleteJob', 'Console', 'GetCluster', 'GetJob', 'GetJobOutput', 'GetMetrics', 'GetOpenApi', 'GetTenants', 'GetUsage', 'ListJobs', 'ListServices', 'Optimize', 'SubmitJob', 'Tick']);
    const methods = ofType('AWS::ApiGateway::Method').map(([, r]) => r.Properties);
    expect(methods.length).toBe(13);
    for (const m of methods) {
      // The VM's callback carries its own token; the OpenAPI document is public; the console's page holds no data (its script sends the bearer token).
      const open = /CompleteJob|GetOpenApi|Console/.test(JSON.stringify(m.Integration.Uri));
      expect(m.AuthorizationType, JSON.stringify(m.Integration.Uri)).toBe(open ? 'NONE' : 'CUSTOM');
    }
    const page = methods.find((m) => JSON.stringify(m.Integration.Uri).includes('Console'))!;
    expect([page.HttpMethod, page.ResourceId]).toEqual(['GET', { 'Fn::GetAtt': ['ApiGatewayRestApi', 'RootResourceId'] }]);
    const schedules = Object.fromEntries(ofType('AWS::Events::Rule').map(([, r]) => [JSON.stringify(r.Properties.Targets).match(/"(\w+)LambdaFunction"/)?.[1], r.Properties.ScheduleExpression]));
    expect(schedules).toEqual({ Tick: 'rate(1 minute)', Optimize: 'rate(10 minutes)' });
  });

  it('serves the web console from a function that reads no table, with the page and its policy built in', async () => {
    expect(statementsOf('Console')).toEqual([]);
    const zip = (await readdir(outDir)).find((f) => f.endsWith('.zip'))!;
    const { stdout } = await promisify(execFile)('unzip', ['-p', path.join(outDir, zip), 'functions/console.mjs'], { maxBuffer: 64 * 1024 * 1024 });
    expect(stdout).toContain('<title>svmsched</title>');
    expect(stdout).toMatch(/default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'/);
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
    expect(Object.keys(resources).filter((k) => resources[k]!.Type === 'AWS::DynamoDB::Table').sort()).toEqual(['IdempotencyTable', 'JobsTable', 'LeasesTable', 'TokensTable', 'UsageTable']);
    // Usage outlives the jobs it counts: no TTL.
    expect(resources.UsageTable!.Properties.TableName).toBe('svmsched-prod-usage');
    expect(resources.UsageTable!.Properties.TimeToLiveSpecification).toBeUndefined();
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
    for (const fn of ['GetJob', 'GetJobOutput', 'ListJobs', 'ListServices']) {
      const read = statementsOf(fn);
      expect(read.flatMap((s: any) => s.Action).sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
      expect(new Set(read.flatMap(tablesOf))).toEqual(new Set(['JobsTable']));
    }
    const tick = statementsOf('Tick');
    // The usage table: the final transition's transaction adds to it (UpdateItem only).
    expect(tick.flatMap(tablesOf).sort()).toEqual(['JobsTable', 'JobsTable', 'LeasesTable', 'UsageTable']);
    expect(tick.filter((s: any) => tablesOf(s).includes('UsageTable')).map((s: any) => s.Action)).toEqual([['dynamodb:UpdateItem']]);
    // GET /usage reads the usage table and its byUser index, nothing else.
    expect(statementsOf('GetUsage').map((s: any) => [s.Action, tablesOf(s)])).toEqual([[['dynamodb:Query'], ['UsageTable', 'UsageTable']]]);
    expect(tick.flatMap((s: any) => s.Action)).not.toContain('lambda:InvokeFunction');
    expect(statementsOf('Optimize')).toEqual(tick);
    expect(statementsOf('SubmitJob').flatMap((s: any) => s.Action)).toContain('lambda:InvokeFunction');
    // the coalesced kick (one UpdateItem on the tick's lease item) and the tick's cluster view read at submit
    const kick = statementsOf('SubmitJob').filter((s: any) => tablesOf(s).includes('LeasesTable'));
    expect(kick.map((s: any) => [s.Action, tablesOf(s)])).toEqual([[['dynamodb:GetItem', 'dynamodb:UpdateItem'], ['LeasesTable']]]);
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

  it('holds no secret and no test-only setting: the functions read the password from SSM at run time; the VPC is theirs', () => {
    for (const [name, value] of Object.entries(SECRETS)) expect(packaged, name).not.toContain(value);
    const talksToOne = ['CancelJob', 'CompleteJob', 'GetCluster', 'Optimize', 'Tick'];
    for (const [key, fn] of ofType('AWS::Lambda::Function')) {
      const name = key.replace(/LambdaFunction$/, '');
      expect(fn.Properties.Runtime, name).toBe('nodejs22.x');
      const env = fn.Properties.Environment.Variables;
      const expected = ['NODE_OPTIONS', 'ONE_XMLRPC', 'SVMSCHED_CALLBACK_URL', 'SVMSCHED_CONFIG', 'SVMSCHED_TABLE_PREFIX', 'TICK_FUNCTION'];
      if (talksToOne.includes(name)) expected.push('SVMSCHED_ONE_PASSWORD_PARAMETER');
      expect(Object.keys(env).sort(), name).toEqual(expected.sort());
      expect(env.SVMSCHED_CONFIG).toBe('local/svmsched.xml');
      if (talksToOne.includes(name)) expect(env.SVMSCHED_ONE_PASSWORD_PARAMETER).toBe('/svmsched/prod/one-password');
      // Only the roles of functions that talk to OpenNebula may read the parameter, and only it.
      const ssm = statementsOf(name, true).filter((s: any) => s.Action.some((a: string) => a.startsWith('ssm:')));
      if (['Authorizer', 'Console', 'GetJob', 'ListJobs', 'ListServices'].includes(name)) expect(ssm, name).toEqual([]);
      if (talksToOne.includes(name)) {
        expect(ssm.map((s: any) => s.Action), name).toEqual([['ssm:GetParameter']]);
        expect(JSON.stringify(ssm[0].Resource), name).toContain(':parameter","/svmsched/prod/one-password');
      }
      // With VPC settings, the functions that talk to OpenNebula run in it, and only they.
      if (talksToOne.includes(name)) expect(fn.Properties.VpcConfig, name).toEqual({ SubnetIds: ['subnet-0a1b', 'subnet-2c3d'], SecurityGroupIds: ['sg-0e4f'] });
      else expect(fn.Properties.VpcConfig, name).toBeUndefined();
      const role = resources[fn.Properties.Role['Fn::GetAtt'][0]]!.Properties;
      expect(role.ManagedPolicyArns ?? [], name).toEqual(talksToOne.includes(name) || name === 'SubmitJob'
        ? ['arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole'] : []);
    }
  });
});

describe('serverless package refuses a configuration the functions could not start with', () => {
  it('refuses a missing configuration file, saying which and what to do', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'svmsched-pkg-'));
    try {
      const err = await slsPackage(out, { SVMSCHED_DEPLOY_CONFIG: 'no-such-svmsched.xml' }).then(() => undefined, (e) => e);
      expect(err, 'packaging succeeded').toBeDefined();
      expect(`${err.stdout}${err.stderr}`).toMatch(/no configuration file no-such-svmsched\.xml in .*SVMSCHED_DEPLOY_CONFIG/s);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses an invalid configuration with the element and the reason', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'svmsched-pkg-'));
    const name = `.svmsched-invalid-${process.pid}.xml`;
    const xml = (await readFile(path.join(ROOT, 'local/svmsched.xml'), 'utf8')).replace('<maxHost>4</maxHost>', '<maxHost>many</maxHost>');
    await writeFile(path.join(ROOT, name), xml);
    try {
      const err = await slsPackage(out, { SVMSCHED_DEPLOY_CONFIG: name }).then(() => undefined, (e) => e);
      expect(err, 'packaging succeeded').toBeDefined();
      expect(`${err.stdout}${err.stderr}`).toMatch(new RegExp(`configuration \\${name} is invalid: /svmsched/scheduling/maxHost`));
    } finally {
      await rm(path.join(ROOT, name), { force: true });
      await rm(out, { recursive: true, force: true });
    }
  }, 120_000);
});
