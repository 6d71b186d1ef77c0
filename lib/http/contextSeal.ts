import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The authorizer's context sealed with a secret that only the functions hold. In AWS a handler is
 * reached only through API Gateway after the authorizer (invoking it directly needs IAM), so no
 * seal is needed and the secret is unset. Locally, serverless-offline's Lambda port takes any
 * event from anyone who can reach it, an event whose requestContext.authorizer says "admin"
 * included: with SVMSCHED_CONTEXT_SECRET set, a context without the authorizer's seal is no one's.
 * A seal is good for a minute (the authorizer's result is never cached: resultTtlInSeconds 0),
 * so one read from the authorizer's own answer does not outlive a revoked token.
 */
export const CONTEXT_SECRET_ENV = 'SVMSCHED_CONTEXT_SECRET';
export const SEAL_LIFETIME_MS = 60_000;

export const contextSecret = (env: Readonly<Record<string, string | undefined>> = process.env): string | undefined =>
  env[CONTEXT_SECRET_ENV] || undefined;

/**
 * HMAC-SHA256 of the caller (its tenant too, when its token names one) and the time of sealing,
 * as hex; JSON keeps the parts apart whatever they hold.
 */
export const sealOf = (user: string, role: string, sealedAt: string, secret: string, tenant?: string): string =>
  createHmac('sha256', secret).update(JSON.stringify(tenant === undefined ? [user, role, sealedAt] : [user, role, sealedAt, tenant])).digest('hex');

/** The context entries the authorizer adds: when it sealed, and the seal. */
export function seal(user: string, role: string, secret: string, now: number, tenant?: string): { sealedAt: string; seal: string } {
  const sealedAt = String(now);
  return { sealedAt, seal: sealOf(user, role, sealedAt, secret, tenant) };
}

export function isSealed(context: { user: string; role: string; tenant?: string; sealedAt?: unknown; seal?: unknown }, secret: string, now: number): boolean {
  const { user, role, tenant, sealedAt, seal: given } = context;
  if (typeof given !== 'string' || typeof sealedAt !== 'string') return false;
  const age = now - Number(sealedAt);
  if (!(age >= -SEAL_LIFETIME_MS && age <= SEAL_LIFETIME_MS)) return false;
  const expected = Buffer.from(sealOf(user, role, sealedAt, secret, tenant), 'hex');
  const actual = Buffer.from(given, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
