/**
 * The {id} of GET/DELETE /jobs/{id} and POST /jobs/{id}/complete, over real HTTP on the local
 * stack: an id that cannot be a job's is the same 404 as an unknown one, whatever its length,
 * and its message quotes only the start of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newJobId } from '../../lib/jobs/service';
import { isJobId } from '../../lib/jobs/jobId';
import { api, startStack, type Stack } from '../helpers/stack';
import { expectWellFormed } from '../abuse/answers';

let stack: Stack;
beforeAll(async () => { stack = await startStack(); }, 180_000);
afterAll(async () => { await stack?.stop(); });

const LONG_ID = `j${'a'.repeat(2999)}`;
const routes = (id: string) => [
  { method: 'GET', path: `/jobs/${id}`, token: () => stack.userToken },
  { method: 'DELETE', path: `/jobs/${id}`, token: () => stack.userToken },
  { method: 'POST', path: `/jobs/${id}/complete`, token: () => undefined, body: { token: 'x'.repeat(32), exitCode: 0 } },
];

describe('job ids in the path', () => {
  it('newJobId makes only ids of the shape the edge accepts', () => {
    for (let i = 0; i < 1000; i++) expect(isJobId(newJobId(Date.now() + i * 7_919_000_000))).toBe(true);
    expect(isJobId(LONG_ID)).toBe(false);
  });

  it('answers a 3,000-character id with 404 on every route, quoting at most 40 characters of it', async () => {
    for (const r of routes(LONG_ID)) {
      // Act
      const res = await api(stack, r.method, r.path, { token: r.token(), body: r.body });

      // Assess
      expectWellFormed(res, [404], `${r.method} ${r.path.slice(0, 40)}…`);
      expect(res.body.error.message).toBe(`job ${LONG_ID.slice(0, 40)}… does not exist`);
    }
  });

  it('answers ids of the wrong shape (other letters, an id with a suffix) with 404 as for an unknown job', async () => {
    const real = await api(stack, 'POST', '/jobs', { token: stack.userToken, body: { service: 'nrt-service', args: ['1'], requirements: 'NAME = "no-such-host"', waitForHost: true } });
    expect(real.status).toBe(202);
    for (const id of [`${real.body.id}0`, real.body.id.toUpperCase(), 'J1', real.body.id.slice(0, 20), 'j0000000000-zzzzzzzzzzzzzzz']) {
      for (const r of routes(encodeURIComponent(id))) {
        const res = await api(stack, r.method, r.path, { token: r.token(), body: r.body });
        expectWellFormed(res, [404], `${r.method} ${r.path}`);
        expect(res.body.error.message).toBe(`job ${id} does not exist`);
      }
    }
    // The real job is still found, and untouched.
    const job = await api(stack, 'GET', `/jobs/${real.body.id}`, { token: stack.userToken });
    expect(job.status).toBe(200);
    expect(job.body.state).toBe('QUEUED');
  });
});
