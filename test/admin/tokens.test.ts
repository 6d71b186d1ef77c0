/**
 * svmsched-admin token issue/list/revoke, run as a real process against DynamoDB Local; what it
 * wrote is checked through the same repository the authorizer uses.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoTokenRepository, tokenId, type TableNames } from '../../lib/store';
import { useDynamoLocal } from '../helpers/dynamo';
import { runAdmin } from './adminProcess';

const dynamo = useDynamoLocal();
const prefixOf = (names: TableNames) => names.jobs.replace(/-jobs$/, '');
const flags = (names: TableNames) => ['--table-prefix', prefixOf(names), '--endpoint', dynamo.endpoint];
const repo = (names: TableNames) => new DynamoTokenRepository(dynamo.doc, names.tokens);

describe('token issue', () => {
  it('prints the token once, stores only its hash, and the token verifies as that user and role', async () => {
    // Prepare
    const names = await dynamo.freshTables();
    // Act
    const res = await runAdmin(['token', 'issue', '--user', 'carol', '--role', 'admin', '--description', 'ops laptop', ...flags(names)]);
    // Assess
    expect(res.code, res.stderr).toBe(0);
    const token = res.stdout.trim();
    expect(token).toMatch(/^svm_[A-Za-z0-9_-]{43}$/);
    expect(res.stderr).toContain(tokenId(token));
    expect(res.stderr).not.toContain(token);
    await expect(repo(names).verify(token)).resolves.toMatchObject({ id: tokenId(token), user: 'carol', role: 'admin', description: 'ops laptop' });
    const { Items = [] } = await dynamo.doc.send(new ScanCommand({ TableName: names.tokens }));
    expect(JSON.stringify(Items)).not.toContain(token);
  });

  it('reads the table prefix and endpoint from the environment, as the functions do; --json gives the token with its id', async () => {
    const names = await dynamo.freshTables();

    const res = await runAdmin(['--json', 'token', 'issue', '--user', 'dave', '--role', 'user'], { SVMSCHED_TABLE_PREFIX: prefixOf(names), DYNAMODB_ENDPOINT: dynamo.endpoint }, 'shim');

    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out).toEqual({ id: tokenId(out.token), user: 'dave', role: 'user', token: expect.stringMatching(/^svm_/) });
    await expect(repo(names).verify(out.token)).resolves.toMatchObject({ user: 'dave', role: 'user' });
  });

  it('--tenant names the tenant its jobs run in: the token verifies with it, and `token list` shows it', async () => {
    const names = await dynamo.freshTables();

    const res = await runAdmin(['--json', 'token', 'issue', '--user', 'carol', '--role', 'user', '--tenant', 'acme', ...flags(names)]);
    const listed = await runAdmin(['token', 'list', ...flags(names)]);
    const bad = await runAdmin(['token', 'issue', '--user', 'carol', '--role', 'user', '--tenant', 'Acme Corp', ...flags(names)]);

    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out).toMatchObject({ user: 'carol', role: 'user', tenant: 'acme' });
    await expect(repo(names).verify(out.token)).resolves.toMatchObject({ user: 'carol', role: 'user', tenant: 'acme' });
    expect(listed.stdout).toMatch(/carol\s+user\s+acme\s/);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^svmsched-admin: .*tenant must be a tenant id/);
    expect(await repo(names).list()).toHaveLength(1);
  });

  it('refuses a bad role, a missing user or a user with blanks, and writes nothing', async () => {
    const names = await dynamo.freshTables();

    const results = await Promise.all([
      runAdmin(['token', 'issue', '--user', 'eve', '--role', 'root', ...flags(names)]),
      runAdmin(['token', 'issue', '--role', 'user', ...flags(names)]),
      runAdmin(['token', 'issue', '--user', 'eve mallory', '--role', 'user', ...flags(names)]),
    ]);

    for (const r of results) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^svmsched-admin: .*(role|user)/);
      expect(r.stdout).toBe('');
    }
    await expect(repo(names).list()).resolves.toEqual([]);
  });
});

describe('token list and revoke', () => {
  it('lists ids, users and roles but never a token; a revoked token no longer verifies', async () => {
    // Prepare
    const names = await dynamo.freshTables();
    const alice = await repo(names).issue('alice', 'user', 'CI runner');
    const root = await repo(names).issue('root', 'admin');

    // Act
    const listed = await runAdmin(['token', 'list', ...flags(names)]);
    const revoked = await runAdmin(['token', 'revoke', tokenId(alice), ...flags(names)]);
    const after = await runAdmin(['--json', 'token', 'list', ...flags(names)]);

    // Assess
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^ID\s+USER\s+ROLE\s+TENANT\s+CREATED\s+DESCRIPTION\n/);
    expect(listed.stdout).toContain(tokenId(alice));
    expect(listed.stdout).toMatch(/alice\s+user\s+-\s+\S+\s+CI runner/);
    expect(listed.stdout).toMatch(/root\s+admin/);
    expect(listed.stdout).not.toContain(alice);
    expect(listed.stdout).not.toContain(root);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toBe(`revoked ${tokenId(alice)}\n`);
    await expect(repo(names).verify(alice)).resolves.toBeUndefined();
    await expect(repo(names).verify(root)).resolves.toMatchObject({ user: 'root' });
    expect(JSON.parse(after.stdout)).toEqual([expect.objectContaining({ id: tokenId(root), user: 'root', role: 'admin' })]);
  });

  it('says so when the id is unknown (5) or not an id (2)', async () => {
    const names = await dynamo.freshTables();

    const [unknown, malformed] = await Promise.all([
      runAdmin(['token', 'revoke', '0123456789abcdef', ...flags(names)]),
      runAdmin(['token', 'revoke', 'svm_whole-token', ...flags(names)]),
    ]);

    expect(unknown.code).toBe(5);
    expect(unknown.stderr).toBe('svmsched-admin: no token has id 0123456789abcdef (see `svmsched-admin token list`)\n');
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('not a token id');
  });
});

describe('store problems', () => {
  it('name the table or endpoint to fix, on one line, with exit code 3 (2 without a prefix)', async () => {
    const [noTable, unreachable, noPrefix] = await Promise.all([
      runAdmin(['token', 'list', '--table-prefix', 'no-such-stage', '--endpoint', dynamo.endpoint]),
      runAdmin(['token', 'list', '--table-prefix', 'x', '--endpoint', 'http://127.0.0.1:9']),
      runAdmin(['token', 'list']),
    ]);

    expect(noTable.code).toBe(3);
    expect(noTable.stderr).toBe(`svmsched-admin: table no-such-stage-tokens does not exist at ${dynamo.endpoint}: check --table-prefix (or SVMSCHED_TABLE_PREFIX)\n`);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(/^svmsched-admin: cannot use table x-tokens at http:\/\/127\.0\.0\.1:9: .*ECONNREFUSED/);
    expect(noPrefix.code).toBe(2);
    expect(noPrefix.stderr).toContain('--table-prefix');
    for (const r of [noTable, unreachable, noPrefix]) expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
