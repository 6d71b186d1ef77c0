/**
 * What every answer of the API must look like, whatever was sent: never a 500, and an error
 * body that is JSON {error:{code,message}} and shows nothing of the server's insides.
 */
import { expect } from 'vitest';
import type { ApiResponse } from '../helpers/stack';

/** Traces of the server's insides an error body must never show. */
const LEAKS = [/\bat .*\(?[^)\s]+:\d+:\d+\)?/, /\.(ts|mjs|js):\d+/, /node_modules/, /\/work\//, /\bstack\b/i, /Exception\b/, /\bError:/];

/**
 * serverless-offline's own answers (its authorizer's 401, hapi's 413 beyond its payload limit)
 * are the gateway's, not svmsched's: JSON, without internals, but not in svmsched's shape.
 */
export const GATEWAY_STATUSES = new Set([401, 413]);

/** `sent`: what the request carried, which an error may quote back (a leak pattern it matches is not checked). */
export function expectWellFormed(res: ApiResponse, allowed: readonly number[], what: string, sent = ''): void {
  expect(res.status, `${what} → ${res.status} ${JSON.stringify(res.body)}`).not.toBeGreaterThanOrEqual(500);
  expect(allowed, `${what} → ${res.status} ${JSON.stringify(res.body)}`).toContain(res.status);
  if (res.status < 400) return;
  expect(typeof res.body, `${what}: error body is not JSON: ${String(res.body).slice(0, 200)}`).toBe('object');
  const text = JSON.stringify(res.body);
  for (const leak of LEAKS) if (!leak.test(sent)) expect(text, `${what}: error body shows ${leak}`).not.toMatch(leak);
  if (isGatewayAnswer(res)) return;
  expect(res.body, what).toEqual({ error: { code: expect.any(String), message: expect.any(String), ...('field' in (res.body?.error ?? {}) ? { field: expect.any(String) } : {}) } });
}

/** serverless-offline's Boom body: {statusCode, error, message}. */
function isGatewayAnswer(res: ApiResponse): boolean {
  return GATEWAY_STATUSES.has(res.status) && res.body?.error !== undefined && typeof res.body.error === 'string' && res.body.statusCode === res.status;
}
