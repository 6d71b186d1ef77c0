import { describe, expect, it } from 'vitest';
import { isSealed, seal, SEAL_LIFETIME_MS } from '../../lib/http/contextSeal';

const SECRET = 'f'.repeat(64);
const T0 = 1_900_000_000_000;

describe('authorizer context seal', () => {
  it('accepts the context the authorizer sealed, within its lifetime', () => {
    const context = { user: 'alice', role: 'user', ...seal('alice', 'user', SECRET, T0) };
    expect(isSealed(context, SECRET, T0)).toBe(true);
    expect(isSealed(context, SECRET, T0 + SEAL_LIFETIME_MS)).toBe(true);
  });

  it('refuses a context changed after sealing, sealed with another secret, unsealed, or too old to be fresh', () => {
    const sealed = { user: 'alice', role: 'user', ...seal('alice', 'user', SECRET, T0) };
    const refused = [
      { ...sealed, role: 'admin' },
      { ...sealed, user: 'bob' },
      { ...sealed, sealedAt: String(T0 + 1) },
      { user: 'alice', role: 'user', ...seal('alice', 'user', 'another secret', T0) },
      { user: 'alice', role: 'user' },
      { ...sealed, seal: sealed.seal.slice(0, 32) },
      { ...sealed, seal: 42 },
    ];
    for (const context of refused) expect(isSealed(context, SECRET, T0), JSON.stringify(context)).toBe(false);
    expect(isSealed(sealed, SECRET, T0 + SEAL_LIFETIME_MS + 1)).toBe(false);
    expect(isSealed(sealed, SECRET, T0 - SEAL_LIFETIME_MS - 1)).toBe(false);
  });

  it('seals the tenant a token names: a context whose tenant was added, changed or dropped is refused', () => {
    const sealed = { user: 'carol', role: 'user', tenant: 'acme', ...seal('carol', 'user', SECRET, T0, 'acme') };
    expect(isSealed(sealed, SECRET, T0)).toBe(true);
    const { tenant: _dropped, ...without } = sealed;
    const untenanted = { user: 'carol', role: 'user', ...seal('carol', 'user', SECRET, T0) };
    for (const context of [{ ...sealed, tenant: 'beta' }, without, { ...untenanted, tenant: 'acme' }]) {
      expect(isSealed(context, SECRET, T0), JSON.stringify(context)).toBe(false);
    }
  });
});
