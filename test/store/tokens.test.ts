import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../lib/domain/caller';
import { DynamoTokenRepository, InvalidTokenRequestError, tokenId } from '../../lib/store';
import { useDynamoLocal } from '../helpers/dynamo';

const dynamo = useDynamoLocal();

async function tokens() {
  const { tokens: table } = await dynamo.freshTables();
  return { table, repo: new DynamoTokenRepository(dynamo.doc, table) };
}

describe('DynamoTokenRepository', () => {
  it('verifies a created token as its user and role, and stores only its hash', async () => {
    // Prepare
    const { repo, table } = await tokens();
    const token = await repo.issue('alice', 'user', 'laptop');

    // Act
    const verified = await repo.verify(token);
    const { Items } = await dynamo.doc.send(new QueryCommand({
      TableName: table, KeyConditionExpression: '#k = :k', ExpressionAttributeNames: { '#k': 'kind' }, ExpressionAttributeValues: { ':k': 'token' },
    }));

    // Assess
    expect(verified).toEqual({ id: tokenId(token), user: 'alice', role: 'user', createdAt: expect.any(String), description: 'laptop' });
    expect(JSON.stringify(Items)).not.toContain(token);
  });

  it('refuses unknown, altered and empty tokens', async () => {
    // Prepare
    const { repo } = await tokens();
    const token = await repo.issue('alice', 'admin');

    // Act
    const altered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const results = await Promise.all(['svm_unknown', altered, '', 'x'.repeat(10_000)].map((t) => repo.verify(t)));

    // Assess
    expect(results).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('lists tokens without secrets and revokes them by id', async () => {
    // Prepare
    const { repo } = await tokens();
    const alice = await repo.issue('alice', 'user');
    const admin = await repo.issue('root', 'admin');

    // Act
    const listed = await repo.list();
    const revoked = await repo.revoke(tokenId(alice));
    const again = await repo.revoke(tokenId(alice));

    // Assess
    expect(listed.map((t) => t.id).sort()).toEqual([tokenId(alice), tokenId(admin)].sort());
    expect(JSON.stringify(listed)).not.toContain(alice);
    expect([revoked, again]).toEqual([true, false]);
    expect(await repo.verify(alice)).toBeUndefined();
    expect(await repo.verify(admin)).toMatchObject({ user: 'root', role: 'admin' });
  });

  it('refuses a bad user or role', async () => {
    // Prepare
    const { repo } = await tokens();

    // Act
    const attempts = await Promise.allSettled([repo.issue('', 'user'), repo.issue('a b', 'user'), repo.issue('alice', 'root' as Role)]);

    // Assess
    for (const attempt of attempts) expect(attempt).toMatchObject({ status: 'rejected', reason: expect.any(InvalidTokenRequestError) });
  });
});
