import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A VM's callback token: random, one per VM, kept by svmsched only as a SHA-256 hash and
 * compared in constant time. It names no job; the job id comes from the URL, and the hash
 * stored on that job is the only one it is checked against.
 */
export function newCallbackToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export function tokenMatches(token: string, hash: string | undefined): boolean {
  if (!hash) return false;
  const a = Buffer.from(hashToken(token), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
