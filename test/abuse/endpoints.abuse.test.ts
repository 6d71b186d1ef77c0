/**
 * Arbitrary strings and JSON at every endpoint, over real HTTP on one local stack: never a 500,
 * never a crash (the stack keeps answering), every error a JSON {error:{code,message}} without
 * internals, and no partial write (the job count grows only by the 202s). Jobs that do get
 * accepted ask for a host that does not exist, so the simulator runs nothing.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startStack, type ApiResponse, type Stack } from '../helpers/stack';
import { listAllJobs } from '../load/listAll';
import { expectWellFormed } from './answers';

/** Runs per property: ~15 properties × RUNS requests stay within a minute or two on 2 cores. */
const RUNS = Number(process.env.SVMSCHED_ABUSE_RUNS ?? 50);
const UNPLACEABLE = 'NAME = "no-such-host"';
const SERVICES = ['example-service1', 'training-session', 'prod-service', 'nrt-service'];
const FIELDS = ['service', 'vcpu', 'memory', 'args', 'class', 'priority', 'lifetime', 'requirements'];

let stack: Stack;
/** Jobs accepted (202) by this file's requests: the listing must hold exactly these. */
const accepted = new Set<string>();

beforeAll(async () => { stack = await startStack(); }, 180_000);
afterAll(async () => { await stack?.stop(); });

const send = (method: string, path: string, o: { token?: string | null; body?: string; headers?: Record<string, string> } = {}) =>
  api(stack, method, path, { token: o.token === null ? undefined : o.token ?? stack.userToken, body: o.body, headers: { ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers } });

function noteAccepted(res: ApiResponse): void {
  if (res.status !== 202) return;
  expect(res.body.id).toMatch(/^j[0-9a-z]{26}$/);
  accepted.add(res.body.id);
}

/** After each property: the stack still answers, and holds exactly the jobs it accepted. */
async function expectIntact(): Promise<void> {
  expect((await api(stack, 'GET', '/services', { token: stack.userToken })).status).toBe(200);
  const ids = (await listAllJobs(stack, stack.adminToken)).map((j) => j.id);
  expect(new Set(ids)).toEqual(accepted);
  expect(ids).toHaveLength(accepted.size);
}

const property = <T>(arb: fc.Arbitrary<T>, check: (value: T) => Promise<void>) =>
  fc.assert(fc.asyncProperty(arb, check), { numRuns: RUNS, endOnFailure: true });

// ---- generators ----------------------------------------------------------------------------

const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
  fc.json(),
  fc.constantFrom('', ' ', 'null', 'true', '0', '[]', '{}', '"x"', '{"service":', '\u0000', '\ufeff{}', '{"__proto__":{"admin":true}}', '{"service":"nrt-service","service":7}'),
);
/** JSON nested far deeper than any request needs, within the body limit. */
const deep = fc.integer({ min: 100, max: 20_000 }).chain((depth) => fc.constantFrom(
  `${'['.repeat(depth)}${']'.repeat(depth)}`,
  `{"service":"nrt-service","args":${'['.repeat(depth)}${']'.repeat(depth)}}`,
  `{"service":"nrt-service","colour":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`,
));
const wrongType = fc.oneof(fc.anything(), fc.double(), fc.integer({ min: -(2 ** 53), max: 2 ** 53 }), fc.string(), fc.constant(null), fc.array(fc.anything(), { maxLength: 3 }));
/** Submit bodies near the real shape: right and wrong types, unknown fields; any that passes is unplaceable. */
const shapedSubmit = fc.record({
  service: fc.oneof(fc.constantFrom(...SERVICES), fc.string(), wrongType),
  vcpu: fc.oneof(fc.integer({ min: -2, max: 2000 }), wrongType),
  memory: fc.oneof(fc.integer({ min: -2, max: 20_000_000 }), wrongType),
  args: fc.oneof(fc.array(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), { maxLength: 4 }), fc.constant(['1']), wrongType),
  class: fc.oneof(fc.constantFrom('prod', 'beff', 'PROD', ''), wrongType),
  priority: fc.oneof(fc.integer({ min: -2000, max: 2000 }), wrongType),
  lifetime: fc.oneof(fc.integer({ min: -1, max: 40_000_000 }), wrongType),
  extra: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue(), { maxKeys: 2 }),
  requirements: fc.oneof(fc.constant(UNPLACEABLE), fc.string().map((s) => `${s} & ${UNPLACEABLE}`), wrongType),
}, { requiredKeys: ['requirements'] }).map(({ extra, ...body }) => {
  // A string requirement always ends "& NAME = ...": one precedence, left to right, so nothing matches.
  const requirements = typeof body.requirements === 'string' ? body.requirements : UNPLACEABLE;
  return { ...extra, ...body, requirements, waitForHost: true };
});
const queryString = fc.oneof(
  fc.dictionary(fc.oneof(fc.constantFrom('state', 'class', 'service', 'owner', 'limit', 'cursor'), fc.string({ maxLength: 8 })), fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.integer().map(String)), { maxKeys: 4 })
    .map((d) => new URLSearchParams(d).toString()),
  fc.string({ maxLength: 60 }).map((s) => s.replace(/#/g, '%23')),
  fc.constantFrom('limit=0', 'limit=-1', 'limit=1e3', 'limit=999999', 'limit=%00', 'state=QUEUED&state=RUNNING', 'cursor=%zz', 'a=%E0%A4%A', 'limit=1&limit=2'),
);
/** A cursor with the right structure and arbitrary key values (DynamoDB must not be the one to refuse it). */
const forgedCursor = fc.record({
  v: fc.oneof(fc.constant(1), wrongType),
  i: fc.constantFrom('byCreated', 'byOwner', 'queue', 'x'),
  o: fc.oneof(fc.constant(null), fc.constantFrom('alice', 'bob'), fc.string()),
  k: fc.oneof(
    fc.record({ id: fc.string(), kind: fc.oneof(fc.constant('job'), fc.string()), createdKey: fc.string() }),
    fc.record({ id: fc.string(), owner: fc.constantFrom('alice', 'bob', ''), createdKey: fc.string() }),
    fc.record({ id: fc.string({ minLength: 1000, maxLength: 1024 }), kind: fc.constant('job'), createdKey: fc.string({ minLength: 1000, maxLength: 1024 }) }),
    wrongType,
  ),
}).map((c) => Buffer.from(JSON.stringify(c)).toString('base64url'));
/** Path ids: arbitrary text, long ids, id-like ids (the URL would resolve "." and ".." away). */
const pathId = fc.oneof(
  fc.string({ minLength: 1 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('a', '0', 'z', '_'), minLength: 900, maxLength: 3000 }),
  fc.constantFrom('j0000000000' + '0'.repeat(16), 'j' + 'z'.repeat(26), '%', '*', 'null', 'undefined', '__proto__', 'constructor', ' ', '\u0000'),
).filter((id) => id !== '.' && id !== '..');
const idPath = (id: string) => encodeURIComponent(id);

// ---- properties ----------------------------------------------------------------------------

describe('POST /jobs', () => {
  it('answers arbitrary text and JSON with 400, never 500, and stores nothing', { timeout: 300_000 }, async () => {
    await property(fc.oneof(anyText, deep), async (body) => {
      const res = await send('POST', '/jobs', { body });
      expectWellFormed(res, [400, 413], `POST /jobs ${JSON.stringify(body).slice(0, 200)}`, body);
    });
    await expectIntact();
  });

  it('answers bodies of the right shape with wrong types with 202 or 400 naming the field', { timeout: 300_000 }, async () => {
    await property(shapedSubmit, async (body) => {
      const text = JSON.stringify(body);
      const res = await send('POST', '/jobs', { body: text });
      expectWellFormed(res, [202, 400], `POST /jobs ${text.slice(0, 300)}`, text);
      if (res.status === 400) expect(res.body.error.field, text).toBeTruthy();
      noteAccepted(res);
    });
    await expectIntact();
  });

  it('takes any Idempotency-Key a client can send: 202 or 400, one job per key', { timeout: 300_000 }, async () => {
    const printableLatin1 = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 200 })
      .filter((k) => k.trim() === k);
    await property(printableLatin1, async (key) => {
      const body = JSON.stringify({ service: 'nrt-service', args: ['1'], requirements: UNPLACEABLE, waitForHost: true });
      const first = await send('POST', '/jobs', { body, headers: { 'Idempotency-Key': key } });
      const again = await send('POST', '/jobs', { body, headers: { 'Idempotency-Key': key } });
      expectWellFormed(first, [202, 400], `Idempotency-Key ${JSON.stringify(key)}`, key);
      expect(again.status).toBe(first.status);
      if (first.status === 202) expect(again.body.id).toBe(first.body.id);
      noteAccepted(first);
    });
    await expectIntact();
  });

  it('refuses a key reused for a different request with a 4xx, keeping the first job', { timeout: 120_000 }, async () => {
    const key = `abuse-reuse-${process.pid}`;
    const first = await send('POST', '/jobs', { body: JSON.stringify({ service: 'nrt-service', args: ['1'], requirements: UNPLACEABLE, waitForHost: true }), headers: { 'Idempotency-Key': key } });
    const other = await send('POST', '/jobs', { body: JSON.stringify({ service: 'nrt-service', args: ['2'], requirements: UNPLACEABLE, waitForHost: true }), headers: { 'Idempotency-Key': key } });
    expect(first.status).toBe(202);
    noteAccepted(first);
    expectWellFormed(other, [409, 422], 'same Idempotency-Key, other body');
    await expectIntact();
  });
});

describe('GET /jobs', () => {
  it('answers arbitrary query strings with 200 or 400', { timeout: 300_000 }, async () => {
    await property(fc.tuple(queryString, fc.boolean()), async ([qs, admin]) => {
      const res = await send('GET', `/jobs?${qs}`, { token: admin ? stack.adminToken : stack.userToken });
      expectWellFormed(res, [200, 400], `GET /jobs?${qs}`, decodeURIComponentSafe(qs));
      if (res.status === 200) expect(Array.isArray(res.body.jobs)).toBe(true);
    });
  });

  it('answers forged cursors with 200 or 400, never a DynamoDB error', { timeout: 300_000 }, async () => {
    await property(fc.tuple(forgedCursor, fc.constantFrom('', '&owner=alice', '&state=QUEUED')), async ([cursor, more]) => {
      const res = await send('GET', `/jobs?cursor=${cursor}${more}`, { token: stack.adminToken });
      expectWellFormed(res, [200, 400], `GET /jobs?cursor=${Buffer.from(cursor, 'base64url').toString()}${more}`);
    });
  });
});

describe('/jobs/{id}', () => {
  it('GET and DELETE of arbitrary ids answer 404 (400 at most), as user and admin', { timeout: 300_000 }, async () => {
    await property(fc.tuple(pathId, fc.constantFrom('GET', 'DELETE'), fc.boolean()), async ([id, method, admin]) => {
      const res = await send(method, `/jobs/${idPath(id)}`, { token: admin ? stack.adminToken : stack.userToken });
      expectWellFormed(res, [400, 404], `${method} /jobs/${JSON.stringify(id).slice(0, 100)}`, id);
    });
    await expectIntact();
  });

  it('POST /jobs/{id}/complete with arbitrary ids and bodies answers 400, 403 or 404 and changes nothing', { timeout: 300_000 }, async () => {
    // Prepare: a real job, whose callback an attacker would like to forge.
    const real = await send('POST', '/jobs', { body: JSON.stringify({ service: 'nrt-service', args: ['1'], requirements: UNPLACEABLE, waitForHost: true }) });
    noteAccepted(real);
    const forged = fc.oneof(
      anyText,
      fc.record({ token: fc.oneof(fc.string({ minLength: 16, maxLength: 300 }), wrongType), exitCode: fc.oneof(fc.integer({ min: -2, max: 256 }), wrongType), message: fc.oneof(fc.string(), wrongType) }, { requiredKeys: [] }).map((b) => JSON.stringify(b)),
    );
    await property(fc.tuple(fc.oneof(pathId, fc.constant(real.body.id as string)), forged), async ([id, body]) => {
      const res = await send('POST', `/jobs/${idPath(id)}/complete`, { token: null, body });
      expectWellFormed(res, [400, 403, 404, 413], `POST /jobs/${JSON.stringify(id).slice(0, 60)}/complete ${body.slice(0, 200)}`, `${id} ${body}`);
    });
    const job = await send('GET', `/jobs/${real.body.id}`);
    expect(job.body.state).toBe('QUEUED');
    expect(job.body.history).toHaveLength(1);
    await expectIntact();
  });
});

describe('GET /services and GET /cluster', () => {
  it('answer arbitrary query strings and bearer tokens with 200 or 401', { timeout: 300_000 }, async () => {
    const authorization = fc.oneof(
      fc.constant(undefined),
      fc.constant('good'),
      fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 300 }).map((t) => `Bearer ${t}`),
      fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 100 }),
      fc.constantFrom('Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', `Bearer svm_${'A'.repeat(43)}`, 'Bearer svm_', `Bearer ${'x'.repeat(5000)}`),
    );
    await property(fc.tuple(fc.constantFrom('/services', '/cluster'), queryString, authorization), async ([path, qs, auth]) => {
      const headers: Record<string, string> = auth === undefined ? {} : { authorization: auth === 'good' ? `Bearer ${stack.userToken}` : auth };
      const res = await send('GET', `${path}?${qs}`, { token: null, headers });
      expectWellFormed(res, auth === 'good' ? [200] : [401], `GET ${path}?${qs} authorization=${auth?.slice(0, 80)}`);
    });
  });
});

describe('size limits', () => {
  it('answer 413 beyond the body limit, on every endpoint that takes a body', { timeout: 120_000 }, async () => {
    const big = (n: number) => JSON.stringify({ service: 'nrt-service', args: ['x'.repeat(n)], requirements: UNPLACEABLE, waitForHost: true });
    const cases: [string, string, string, (string | null)?][] = [
      ['POST', '/jobs', big(64 * 1024)],
      ['POST', '/jobs', `"${'\u00e9'.repeat(33 * 1024)}"`], // under 64 KiB in characters, over it in bytes
      // The callback carries the output's tail (64 KB, base64): its limit is 256 KB.
      ['POST', '/jobs/j0000000000aaaaaaaaaaaaaaaa/complete', JSON.stringify({ token: 'x'.repeat(16), exitCode: 0, output: 'A'.repeat(257 * 1024) }), null],
      ['POST', '/jobs', big(2 * 1024 * 1024)], // beyond the gateway's own limit
    ];
    for (const [method, path, body, token] of cases) {
      const res = await send(method, path, { body, token });
      expectWellFormed(res, [413], `${method} ${path} with ${Buffer.byteLength(body)} bytes`);
    }
    await expectIntact();
  });
});

function decodeURIComponentSafe(s: string): string {
  try { return decodeURIComponent(s.replace(/\+/g, ' ')); } catch { return s; }
}
