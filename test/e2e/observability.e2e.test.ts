/**
 * The API's contract and its metrics, over real HTTP from the local stack (serverless-offline,
 * DynamoDB Local, the OpenNebula simulator): every answer of every endpoint is checked against
 * the OpenAPI document the stack itself serves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { isFinal } from '../../lib/domain/job';
import { XmlRpcOneClient } from '../../lib/one/client';
import { startStack, waitForJob, type Stack } from '../helpers/stack';
import { responseChecker, type Checked } from '../helpers/openapi';
import { parseExposition } from '../helpers/prometheus';

let stack: Stack;
let check: ReturnType<typeof responseChecker>;
/** Every answer checked: `METHOD template status`, and what the check found wrong. */
const seen: { key: string; errors: readonly string[] }[] = [];

interface Answer { status: number; body: any; contentType: string }

/** One HTTP call, its answer checked against the document. */
async function call(method: string, path: string, o: { token?: string; body?: unknown } = {}): Promise<Answer> {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body),
  });
  const contentType = res.headers.get('content-type') ?? '';
  const text = await res.text();
  const body = contentType.startsWith('application/json') ? JSON.parse(text) : text;
  if (check) {
    const c: Checked = check(method, path, res.status, contentType, body);
    seen.push({ key: `${method} ${c.template} ${res.status}`, errors: c.errors });
  }
  return { status: res.status, body, contentType };
}

beforeAll(async () => {
  stack = await startStack();
  const doc = await call('GET', '/openapi.json');
  expect(doc.status).toBe(200);
  check = responseChecker(doc.body);
}, 180_000);
afterAll(async () => { await stack?.stop(); });

describe('GET /openapi.json', () => {
  it('serves a valid OpenAPI 3.1 document without a token', async () => {
    const doc = await call('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.contentType).toMatch(/^application\/json/);
    const result = await new Validator().validate(doc.body);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });
});

describe('real answers against the document', () => {
  it('every endpoint answers as documented, successes and refusals alike', { timeout: 180_000 }, async () => {
    // Prepare: a job that runs to its end, and one that waits for a host that never comes (to cancel).
    const ran = await call('POST', '/jobs', { token: stack.userToken, body: { service: 'example-service1', vcpu: 1, memory: 512, args: ['/data/repository/file.dat'] } });
    expect(ran.status).toBe(202);
    const waiting = await call('POST', '/jobs', { token: stack.userToken, body: { service: 'example-service1', requirements: 'HOSTNAME = "no-such-host"', waitForHost: true } });
    expect(waiting.status).toBe(202);
    const done = await waitForJob(stack, stack.userToken, ran.body.id);
    expect(done.state).toBe('COMPLETED');

    // Act: every endpoint, for what it answers when all is well and when it refuses.
    await call('GET', `/jobs/${ran.body.id}`, { token: stack.userToken });
    await call('GET', '/jobs?limit=1', { token: stack.userToken });
    await call('GET', '/jobs', { token: stack.adminToken });
    await call('GET', '/services', { token: stack.userToken });
    await call('GET', '/cluster', { token: stack.userToken });
    await call('GET', '/cluster', { token: stack.adminToken });
    await call('GET', '/tenants', { token: stack.userToken });
    await call('GET', '/tenants', { token: stack.adminToken });
    await call('GET', `/jobs/${ran.body.id}/output`, { token: stack.userToken });
    await call('GET', '/usage', { token: stack.userToken });
    await call('GET', '/usage?by=service', { token: stack.adminToken });
    const page = await call('GET', '/');
    expect([page.status, page.contentType]).toEqual([200, expect.stringMatching(/^text\/html/)]);
    expect((await call('DELETE', `/jobs/${waiting.body.id}`, { token: stack.userToken })).status).toBe(202);
    expect((await call('GET', '/metrics', { token: stack.adminToken })).status).toBe(200);
    // The VM's own callback, repeated with its real token: answered with the job as the first one left it.
    const one = new XmlRpcOneClient({ endpoint: stack.oneEndpoint, session: 'oneadmin:opennebula' });
    const vm = await one.vmInfo(done.vmId);
    const context = vm.xml!.children.find((c) => c.name === 'TEMPLATE')!.children.find((c) => c.name === 'CONTEXT')!;
    const token = context.children.find((c) => c.name === 'SVMSCHED_TOKEN')!.text;
    expect((await call('POST', `/jobs/${ran.body.id}/complete`, { body: { token, exitCode: 0 } })).status).toBe(200);

    const refusals: [string, string, { token?: string; body?: unknown }, number][] = [
      ['POST', '/jobs', { token: stack.userToken, body: { service: 'example-service1', vcpu: 0 } }, 400],
      ['POST', '/jobs', { token: stack.userToken, body: '{not json' }, 400],
      ['GET', '/jobs?state=DONE', { token: stack.userToken }, 400],
      ['GET', '/usage?by=colour', { token: stack.userToken }, 400],
      ['GET', `/jobs/${ran.body.id}/output`, { token: stack.otherUserToken }, 403],
      ['GET', `/jobs/${ran.body.id}`, { token: stack.otherUserToken }, 403],
      ['GET', '/metrics', { token: stack.userToken }, 403],
      ['GET', '/jobs/j0000000000ffffffffffffffff', { token: stack.userToken }, 404],
      ['DELETE', `/jobs/${ran.body.id}`, { token: stack.userToken }, 409],
      ['POST', `/jobs/${ran.body.id}/complete`, { body: { token: 'x'.repeat(32), exitCode: 0 } }, 403],
      ['POST', `/jobs/${ran.body.id}/complete`, { body: { token: 'x'.repeat(32) } }, 400],
    ];
    for (const [method, path, o, status] of refusals) expect((await call(method, path, o)).status, `${method} ${path}`).toBe(status);

    // Assess: no answer broke the document, and every operation was seen answering well.
    expect(seen.filter((s) => s.errors.length > 0)).toEqual([]);
    const doc = (await call('GET', '/openapi.json')).body;
    const operations = Object.entries<any>(doc.paths).flatMap(([p, ops]) => Object.entries<any>(ops).map(([m, op]) => ({ key: `${m.toUpperCase()} ${p}`, ok: Object.keys(op.responses).filter((s) => s.startsWith('2')) })));
    const unseen = operations.filter((op) => !seen.some((s) => op.ok.some((status: string) => s.key === `${op.key} ${status}`))).map((op) => op.key);
    expect(unseen).toEqual([]);
    expect(isFinal(done.state)).toBe(true);
  });
});

describe('GET /metrics', () => {
  it('counts what really happened: jobs by state, waits and runs, ticks, XML-RPC calls, DynamoDB capacity', { timeout: 180_000 }, async () => {
    // Prepare: three more jobs run to their end, beside what the test above did.
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await call('POST', '/jobs', { token: stack.otherUserToken, body: { service: 'example-service1', vcpu: 1, memory: 512, args: ['/data/repository/file.dat'] } })).body.id);
    for (const id of ids) expect((await waitForJob(stack, stack.otherUserToken, id)).state).toBe('COMPLETED');
    const all = (await call('GET', '/jobs?limit=100', { token: stack.adminToken })).body.jobs as { state: string; vmId?: number }[];
    const inState = (state: string) => all.filter((j) => j.state === state).length;
    const scrape = async () => {
      const res = await call('GET', '/metrics', { token: stack.adminToken });
      expect(res.status).toBe(200);
      expect(res.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
      return parseExposition(res.body);
    };
    const started = all.filter((j) => j.vmId !== undefined).length;
    // A tick adds its counts when it ends: wait for the one that started the last job to have ended.
    await expect.poll(async () => (await scrape()).sum('svmsched_xmlrpc_calls_total', { method: 'one.vm.allocate' }), { timeout: 60_000 }).toBe(started);

    // Act
    const m = await scrape();

    // Assess: the jobs, as the API lists them.
    expect(inState('COMPLETED')).toBe(4);
    expect(m.sum('svmsched_jobs_finished_total', { state: 'COMPLETED' })).toBe(inState('COMPLETED'));
    expect(m.sum('svmsched_jobs_finished_total', { state: 'CANCELLED' })).toBe(inState('CANCELLED'));
    expect(m.sum('svmsched_jobs_finished_total', { state: 'COMPLETED', class: 'beff', tenant: 'default', service: 'example-service1' })).toBe(4);
    expect(m.sum('svmsched_jobs_submitted_total')).toBe(all.length);
    expect(m.sum('svmsched_jobs')).toBe(all.filter((j) => !isFinal(j.state as never)).length);
    // Every job that started waited once and ran once; the histograms' buckets are cumulative and end at +Inf.
    expect(m.sum('svmsched_job_queue_wait_seconds_count')).toBe(started);
    expect(m.sum('svmsched_job_queue_wait_seconds_bucket', { le: '+Inf' })).toBe(started);
    expect(m.sum('svmsched_job_run_seconds_count', { state: 'COMPLETED' })).toBe(4);
    expect(m.sum('svmsched_job_run_seconds_sum', { state: 'COMPLETED' })).toBeGreaterThan(0);
    const buckets = m.samples.filter((s) => s.name === 'svmsched_job_run_seconds_bucket' && s.labels.state === 'COMPLETED').map((s) => s.value);
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
    expect(m.types.get('svmsched_job_run_seconds')).toBe('histogram');
    // The ticks, their plans, and what they asked OpenNebula: one VM allocated and deployed per job that started.
    const ticks = m.sum('svmsched_ticks_total', { outcome: 'ran' });
    expect(m.sum('svmsched_tick_duration_seconds_count')).toBe(ticks);
    expect(m.sum('svmsched_plan_duration_seconds_count')).toBeGreaterThanOrEqual(ticks);
    expect(m.sum('svmsched_xmlrpc_calls_total', { method: 'one.vm.allocate' })).toBe(started);
    expect(m.sum('svmsched_xmlrpc_calls_total', { method: 'one.vm.deploy' })).toBe(started);
    expect(m.sum('svmsched_xmlrpc_errors_total')).toBe(0);
    expect(m.sum('svmsched_preemptions_total')).toBe(0);
    expect(m.sum('svmsched_deploy_failures_total')).toBe(0);
    expect(m.sum('svmsched_dynamodb_write_capacity_units_total', { operation: 'UpdateItem' })).toBeGreaterThan(0);
    expect(m.sum('svmsched_dynamodb_read_capacity_units_total', { operation: 'Query' })).toBeGreaterThan(0);
  });

  it('answers 401 without a token', async () => {
    const res = await fetch(`${stack.url}/metrics`);
    expect(res.status).toBe(401);
  });
});
