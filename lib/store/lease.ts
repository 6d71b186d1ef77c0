/**
 * One holder at a time (the tick): a lease item written conditionally. A lease is taken
 * when it is free, expired, or already ours; `fence` grows with every acquisition, so a
 * holder that lost its lease can tell (and writes can be fenced with it).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { any, ExpressionBuilder } from './expression';

export interface Lease {
  readonly name: string;
  readonly owner: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  readonly fence: number;
}

export interface LeaseRepository {
  /** The lease, or undefined when another owner holds it and it has not expired. */
  acquire(owner: string, ttlMs: number): Promise<Lease | undefined>;
  /** Extends our lease; undefined when it is no longer ours. */
  renew(owner: string, ttlMs: number): Promise<Lease | undefined>;
  /** Frees our lease at once; false when it was not ours. */
  release(owner: string): Promise<boolean>;
}

export class DynamoLeaseRepository implements LeaseRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly name = 'tick',
    private readonly now: () => number = Date.now,
  ) {}

  acquire(owner: string, ttlMs: number): Promise<Lease | undefined> {
    const at = this.now();
    const u = new ExpressionBuilder();
    u.set('owner', owner).set('expiresAt', at + ttlMs).set('acquiredAt', at).add('fence', 1);
    return this.write(u, any(u.missing('name'), u.lessThan('expiresAt', at + 1), u.equals('owner', owner)));
  }

  renew(owner: string, ttlMs: number): Promise<Lease | undefined> {
    const u = new ExpressionBuilder();
    u.set('expiresAt', this.now() + ttlMs);
    return this.write(u, u.equals('owner', owner));
  }

  async release(owner: string): Promise<boolean> {
    const u = new ExpressionBuilder();
    // Expired rather than deleted: the fence keeps growing across holders.
    u.set('expiresAt', 0);
    return (await this.write(u, u.equals('owner', owner))) !== undefined;
  }

  private async write(u: ExpressionBuilder, condition: string): Promise<Lease | undefined> {
    try {
      const out = await this.doc.send(new UpdateCommand({
        TableName: this.table,
        Key: { name: this.name },
        UpdateExpression: u.updateExpression(),
        ConditionExpression: condition,
        ...u.attributes(),
        ReturnValues: 'ALL_NEW',
      }));
      const a = out.Attributes!;
      return { name: this.name, owner: String(a.owner), expiresAt: Number(a.expiresAt), fence: Number(a.fence) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }
}
