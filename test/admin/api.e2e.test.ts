/**
 * A token issued with svmsched-admin opens the HTTP API (the authorizer reads the same table,
 * `<service>-<stage>-tokens`), as that user and role; once revoked, it gets 401.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startStack, type Stack } from '../helpers/stack';
import { runAdmin } from './adminProcess';

let stack: Stack;
beforeAll(async () => { stack = await startStack(); }, 180_000);
afterAll(async () => { await stack?.stop(); });

const admin = (...args: string[]) => runAdmin(['--json', ...args], { SVMSCHED_TABLE_PREFIX: `svmsched-${stack.stage}`, DYNAMODB_ENDPOINT: stack.dynamoEndpoint });

describe('a token from svmsched-admin', () => {
  it('works against the API as its user and role until it is revoked', { timeout: 120_000 }, async () => {
    // Prepare
    const issued = await admin('token', 'issue', '--user', 'carol', '--role', 'user', '--description', 'e2e');
    expect(issued.code, issued.stderr).toBe(0);
    const { id, token } = JSON.parse(issued.stdout);

    // Act
    const submitted = await api(stack, 'POST', '/jobs', { token, body: { service: 'nrt-service', args: ['1'], requirements: 'NAME = "no-such-host"', waitForHost: true } });
    const othersJobs = await api(stack, 'GET', '/jobs?owner=alice', { token });
    const revoked = await admin('token', 'revoke', id);
    const after = await api(stack, 'GET', '/services', { token });

    // Assess
    expect(submitted.status).toBe(202);
    expect(submitted.body.owner).toBe('carol');
    // A user's listing is their own, whatever owner they ask for.
    expect(othersJobs.body.jobs.map((j: { owner: string }) => j.owner)).toEqual(['carol']);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(after.status).toBe(401);
    const listed = JSON.parse((await admin('token', 'list')).stdout);
    // The revoked token is gone; the stack's own remain (carol and dave hold the two tenants' tokens).
    expect(listed.map((t: { id: string }) => t.id)).not.toContain(id);
    expect(listed.map((t: { user: string }) => t.user).sort()).toEqual(['admin', 'alice', 'bob', 'carol', 'dave']);
  });
});
