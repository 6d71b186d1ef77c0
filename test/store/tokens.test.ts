import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoTokenRepository, InvalidTokenRequestError, type Role } from '../../lib/store';
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
    const created = await repo.create('alice', 'user', 'laptop');

    // Act
    const verified = await repo.verify(created.token);
    const { Items } = await dynamo.doc.send(new QueryCommand({
      TableName: table, KeyConditionExpression: '#k = :k', ExpressionAttributeNames: { '#k': 'kind' }, ExpressionAttributeValues: { ':k': 'token' },
    }));

    // Assess
    expect(verified).toEqual({ id: created.id, user: 'alice', role: 'user', createdAt: created.createdAt, description: 'laptop' });
    expect(JSON.stringify(Items)).not.toContain(created.token);
  });

  it('refuses unknown, altered and empty tokens', async () => {
    // Prepare
    const { repo } = await tokens();
    const { token } = await repo.create('alice', 'admin');

    // Act
    const results = await Promise.all(['svm_unknown', `${token.slice(0, -1)}A`, '', 'x'.repeat(10_000)].map((t) => repo.verify(t)));

    // Assess
    expect(results).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('lists tokens without secrets and revokes them by id', async () => {
    // Prepare
    const { repo } = await tokens();
    const alice = await repo.create('alice', 'user');
    const admin = await repo.create('root', 'admin');

    // Act
    const listed = await repo.list();
    const revoked = await repo.revoke(alice.id);
    const again = await repo.revoke(alice.id);

    // Assess
    expect(listed.map((t) => t.id).sort()).toEqual([alice.id, admin.id].sort());
    expect(JSON.stringify(listed)).not.toContain(alice.token);
    expect([revoked, again]).toEqual([true, false]);
    expect(await repo.verify(alice.token)).toBeUndefined();
    expect(await repo.verify(admin.token)).toMatchObject({ user: 'root', role: 'admin' });
  });

  it('refuses a bad user or role', async () => {
    // Prepare
    const { repo } = await tokens();

    // Act
    const attempts = [repo.create('', 'user'), repo.create('a b', 'user'), repo.create('alice', 'root' as Role)];

    // Assess
    for (const attempt of attempts) await expect(attempt).rejects.toBeInstanceOf(InvalidTokenRequestError);
  });
});
