/**
 * API bearer tokens: each maps to a user and a role. Only the SHA-256 hash is stored;
 * the clear token is shown once, at creation. A token's id (the first 16 hex digits
 * of its hash) names it for listing and revocation without revealing it.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ROLES, type Role } from '../domain/caller';
import { InvalidTokenRequestError } from './errors';
import { queryAll } from './queryAll';
import { newSecret, sameHash, sha256Hex } from './secrets';


export interface TokenInfo {
  readonly id: string;
  readonly user: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly description?: string;
  /** The tenant whose share its jobs run in (absent: the configuration decides). */
  readonly tenant?: string;
}

export interface TokenRepository {
  /** A new bearer token for the user, in clear: shown this once, never stored (tokenId(token) names it). */
  issue(user: string, role: Role, description?: string, tenant?: string): Promise<string>;
  /** Who the token stands for; undefined for an unknown or revoked token. */
  verify(token: string): Promise<TokenInfo | undefined>;
  /** false when no token has this id. */
  revoke(id: string): Promise<boolean>;
  list(): Promise<TokenInfo[]>;
}

const TOKEN_PREFIX = 'svm_';
/** The tokens' one partition. */
const KIND = 'token';
const ID_LENGTH = 16;
const MAX_TOKEN_LENGTH = 256;
/** As the configuration's tenant ids (schemas/config.json). */
const TENANT_ID = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export class DynamoTokenRepository implements TokenRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async issue(user: string, role: Role, description?: string, tenant?: string): Promise<string> {
    if (typeof user !== 'string' || !/^[^\s\p{Cc}]{1,128}$/u.test(user)) throw new InvalidTokenRequestError('user must be 1 to 128 characters, without spaces');
    if (!(ROLES as readonly string[]).includes(role)) throw new InvalidTokenRequestError(`role must be one of: ${ROLES.join(', ')}`);
    if (tenant !== undefined && (typeof tenant !== 'string' || !TENANT_ID.test(tenant))) {
      throw new InvalidTokenRequestError('tenant must be a tenant id: lower-case letters, digits, \'.\', \'_\' and \'-\', at most 63');
    }
    const token = newSecret(TOKEN_PREFIX);
    const hash = sha256Hex(token);
    const info: TokenInfo = { id: tokenId(token), user, role, createdAt: this.now().toISOString(), ...(description ? { description } : {}), ...(tenant ? { tenant } : {}) };
    await this.doc.send(new PutCommand({
      TableName: this.table,
      Item: { kind: KIND, hash, ...info },
      ConditionExpression: 'attribute_not_exists(#hash)',
      ExpressionAttributeNames: { '#hash': 'hash' },
    }));
    return token;
  }

  async verify(token: string): Promise<TokenInfo | undefined> {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return undefined;
    const hash = sha256Hex(token);
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { kind: KIND, hash } }));
    // The key lookup found it; the constant-time comparison is the check that counts.
    return Item !== undefined && sameHash(Item.hash, hash) ? toInfo(Item) : undefined;
  }

  async revoke(id: string): Promise<boolean> {
    if (typeof id !== 'string' || !new RegExp(`^[0-9a-f]{${ID_LENGTH}}$`).test(id)) return false;
    const { Items = [] } = await this.doc.send(new QueryCommand({
      TableName: this.table,
      KeyConditionExpression: '#kind = :kind AND begins_with(#hash, :id)',
      ExpressionAttributeNames: { '#kind': 'kind', '#hash': 'hash' },
      ExpressionAttributeValues: { ':kind': KIND, ':id': id },
      ConsistentRead: true,
    }));
    let revoked = false;
    for (const item of Items) {
      try {
        await this.doc.send(new DeleteCommand({
          TableName: this.table,
          Key: { kind: KIND, hash: item.hash },
          ConditionExpression: 'attribute_exists(#hash)',
          ExpressionAttributeNames: { '#hash': 'hash' },
        }));
        revoked = true;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    return revoked;
  }

  async list(): Promise<TokenInfo[]> {
    const items = await queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: '#kind = :kind',
      ExpressionAttributeNames: { '#kind': 'kind' },
      ExpressionAttributeValues: { ':kind': KIND },
    });
    return items.map(toInfo).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }
}

/** The id that names a token in listings and revocation: the first digits of its hash, which reveal nothing of it. */
export function tokenId(token: string): string {
  return sha256Hex(token).slice(0, ID_LENGTH);
}

function toInfo(item: Record<string, unknown>): TokenInfo {
  const { id, user, role, createdAt, description, tenant } = item as unknown as TokenInfo;
  return { id, user, role, createdAt, ...(description ? { description } : {}), ...(tenant ? { tenant } : {}) };
}
