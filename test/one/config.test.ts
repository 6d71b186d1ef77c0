import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ONE_ENDPOINT, resolveOneConnection } from '../../lib/one/config';
import { OneAuthMissingError } from '../../lib/one/errors';

function authFile(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'one-auth-'));
  const path = join(dir, 'one_auth');
  writeFileSync(path, content);
  return path;
}

describe('resolveOneConnection', () => {
  it('explicit options win over the environment', () => {
    const env = { ONE_XMLRPC: 'http://env:2633/RPC2', ONE_AUTH: authFile('envuser:envpass\n') };

    expect(resolveOneConnection({ endpoint: 'http://opt:2633/RPC2', user: 'alice', password: 'p:w' }, env))
      .toEqual({ endpoint: 'http://opt:2633/RPC2', user: 'alice', session: 'alice:p:w' });
    expect(resolveOneConnection({ session: 'bob:token' }, env).session).toBe('bob:token');
  });

  it('ONE_XMLRPC sets the endpoint and ONE_AUTH names the file holding user:password', () => {
    const env = { ONE_XMLRPC: 'http://front:2633/RPC2', ONE_AUTH: authFile('oneadmin:s3cr3t\r\nsecond line ignored\n') };

    expect(resolveOneConnection({}, env)).toEqual({ endpoint: 'http://front:2633/RPC2', user: 'oneadmin', session: 'oneadmin:s3cr3t' });
  });

  it('defaults to localhost:2633 and ~/.one/one_auth', () => {
    const home = mkdtempSync(join(tmpdir(), 'one-home-'));
    mkdirSync(join(home, '.one'));
    writeFileSync(join(home, '.one', 'one_auth'), 'oneadmin:opennebula');

    expect(resolveOneConnection({}, { HOME: home })).toEqual({ endpoint: DEFAULT_ONE_ENDPOINT, user: 'oneadmin', session: 'oneadmin:opennebula' });
  });

  it('says where it looked when there are no credentials', () => {
    const missing = join(tmpdir(), 'no-such-dir', 'one_auth');

    expect(() => resolveOneConnection({}, { ONE_AUTH: missing })).toThrow(OneAuthMissingError);
    expect(() => resolveOneConnection({}, { ONE_AUTH: missing })).toThrow(missing);
    expect(() => resolveOneConnection({}, { ONE_AUTH: authFile('no-colon\n') })).toThrow(/does not hold user:password/);
    expect(() => resolveOneConnection({ user: 'alice' }, {})).toThrow(/without a password/);
  });
});
