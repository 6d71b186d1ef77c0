/**
 * serverless-offline's Lambda port takes any event from anyone on the machine, one whose
 * requestContext.authorizer claims "admin" included. On the local stack a handler takes only a
 * context its authorizer sealed: a forged one is refused, and real requests through the API
 * keep working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seal } from '../../lib/http/contextSeal';
import { api, startStack, type Stack } from '../helpers/stack';
import { accepts, nonLoopbackAddress } from '../helpers/reach';

let stack: Stack;
beforeAll(async () => { stack = await startStack(); }, 180_000);
afterAll(async () => { await stack?.stop(); });

/** Invokes one function directly on the Lambda port, as the AWS SDK's Invoke would, and returns its result. */
async function invoke(fn: string, event: unknown): Promise<{ statusCode: number; body: string }> {
  const res = await fetch(`${stack.lambdaEndpoint}/2015-03-31/functions/svmsched-${stack.stage}-${fn}/invocations`, {
    method: 'POST', body: JSON.stringify(event),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { statusCode: number; body: string };
}

/** An API Gateway event whose authorizer context says whatever `authorizer` says. */
const event = (method: string, path: string, authorizer: Record<string, string>, o: { body?: unknown; id?: string } = {}) => ({
  httpMethod: method, path, resource: path, headers: { 'content-type': 'application/json' }, queryStringParameters: null,
  pathParameters: o.id ? { id: o.id } : null, body: o.body === undefined ? null : JSON.stringify(o.body), isBase64Encoded: false,
  requestContext: { authorizer, requestId: 'forged', httpMethod: method, path },
});

describe('the Lambda port', () => {
  it('refuses a forged admin context: no job made, none read, none cancelled', async () => {
    // Prepare: alice's job, which an admin could read and cancel.
    const job = await api(stack, 'POST', '/jobs', { token: stack.userToken, body: { service: 'nrt-service', args: ['1'], requirements: 'NAME = "no-such-host"', waitForHost: true } });
    expect(job.status).toBe(202);
    const admin = { user: 'mallory', role: 'admin', principalId: 'mallory' };
    const wrongSeal = { ...admin, ...seal('mallory', 'admin', 'a secret guessed wrong', Date.now()) };

    for (const authorizer of [admin, wrongSeal]) {
      // Act
      const submit = await invoke('submitJob', event('POST', '/jobs', authorizer, { body: { service: 'nrt-service', args: ['1'] } }));
      const read = await invoke('getJob', event('GET', `/jobs/${job.body.id}`, authorizer, { id: job.body.id }));
      const cancel = await invoke('cancelJob', event('DELETE', `/jobs/${job.body.id}`, authorizer, { id: job.body.id }));
      const list = await invoke('listJobs', event('GET', '/jobs', authorizer));

      // Assess
      for (const r of [submit, read, cancel, list]) {
        expect(r.statusCode).toBe(401);
        expect(r.body).not.toContain(job.body.id);
      }
    }
    const after = await api(stack, 'GET', '/jobs', { token: stack.adminToken });
    expect(after.body.jobs.map((j: { id: string; owner: string; state: string }) => [j.id, j.owner, j.state])).toEqual([[job.body.id, 'alice', 'QUEUED']]);
  });

  const address = nonLoopbackAddress();
  it.skipIf(address === undefined)(`answers on 127.0.0.1 only, not on this machine's other address (${address ?? 'none: skipped'})`, async () => {
    for (const port of [new URL(stack.url).port, new URL(stack.lambdaEndpoint).port].map(Number)) {
      expect(await accepts('127.0.0.1', port)).toBe(true);
      expect(await accepts(address!, port)).toBe(false);
    }
  });

  it('leaves real requests through the API working, as user and admin', async () => {
    // Act
    const mine = await api(stack, 'GET', '/jobs', { token: stack.userToken });
    const all = await api(stack, 'GET', '/jobs', { token: stack.adminToken });
    const services = await api(stack, 'GET', '/services', { token: stack.otherUserToken });

    // Assess
    expect(mine.status).toBe(200);
    expect(all.status).toBe(200);
    expect(services.status).toBe(200);
  });
});
