/**
 * One holder at a time (e.g. the tick): a lease item per name, written conditionally.
 * A lease is taken when it is free, expired, or already ours. Expiry is judged by the
 * caller's clock (`now`), so holders should keep their TTL well above clock skew.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { any, ExpressionBuilder } from './expression';

export interface LeaseRepository {
  /** true when `owner` now holds the lease `name` until now + ttlMs; false when another owner holds it unexpired. */
  acquire(name: string, owner: string, ttlMs: number, now?: number): Promise<boolean>;
  /** Extends our lease; false when it is no longer ours. */
  renew(name: string, owner: string, ttlMs: number, now?: number): Promise<boolean>;
  /** Frees our lease at once; does nothing when it is not ours. */
  release(name: string, owner: string): Promise<void>;
}

export class DynamoLeaseRepository implements LeaseRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  acquire(name: string, owner: string, ttlMs: number, now: number = Date.now()): Promise<boolean> {
    const u = new ExpressionBuilder();
    u.set('owner', owner).set('expiresAt', now + ttlMs).set('acquiredAt', now);
    // A holder that starts takes up any start a kick asked for (lib/store/kick.ts).
    u.remove('wantedAt');
    // No expiresAt yet: the item holds only kicks (lib/store/kick.ts), nobody has held the lease.
    return this.write(name, u, any(u.missing('name'), u.missing('expiresAt'), u.lessThan('expiresAt', now + 1), u.equals('owner', owner)));
  }

  renew(name: string, owner: string, ttlMs: number, now: number = Date.now()): Promise<boolean> {
    const u = new ExpressionBuilder();
    u.set('expiresAt', now + ttlMs);
    return this.write(name, u, u.equals('owner', owner));
  }

  async release(name: string, owner: string): Promise<void> {
    const u = new ExpressionBuilder();
    // Expired rather than deleted: who held it last stays visible.
    u.set('expiresAt', 0);
    await this.write(name, u, u.equals('owner', owner));
  }

  private async write(name: string, u: ExpressionBuilder, condition: string): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand({
        TableName: this.table,
        Key: { name },
        UpdateExpression: u.updateExpression(),
        ConditionExpression: condition,
        ...u.attributes(),
      }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
