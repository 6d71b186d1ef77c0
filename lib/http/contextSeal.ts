import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The authorizer's context sealed with a secret that only the functions hold. In AWS a handler is
 * reached only through API Gateway after the authorizer (invoking it directly needs IAM), so no
 * seal is needed and the secret is unset. Locally, serverless-offline's Lambda port takes any
 * event from anyone who can reach it, an event whose requestContext.authorizer says "admin"
 * included: with SVMSCHED_CONTEXT_SECRET set, a context without the authorizer's seal is no one's.
 */
export const CONTEXT_SECRET_ENV = 'SVMSCHED_CONTEXT_SECRET';

export const contextSecret = (env: Readonly<Record<string, string | undefined>> = process.env): string | undefined =>
  env[CONTEXT_SECRET_ENV] || undefined;

/** HMAC-SHA256 of the caller, as hex; JSON keeps user and role apart whatever they hold. */
export const sealOf = (user: string, role: string, secret: string): string =>
  createHmac('sha256', secret).update(JSON.stringify([user, role])).digest('hex');

export function isSealed(user: string, role: string, seal: unknown, secret: string): boolean {
  if (typeof seal !== 'string') return false;
  const expected = Buffer.from(sealOf(user, role, secret), 'hex');
  const given = Buffer.from(seal, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
