/**
 * Early ticks, coalesced: every kick (after a submit, a cancel, a completion) is counted on
 * the tick's own lease item, and only a kick that finds no tick running and none requested
 * recently asks for a new one. A running tick gives its lease back only if no kick arrived
 * since its last look at the queue (a condition on the same item), so a kick is either seen
 * by the running tick or finds the lease free and starts one: none is lost in between.
 *
 * The item's attributes: the lease's own (owner, expiresAt, acquiredAt), `kicks` (a counter)
 * and `wantedAt` (when a kick last asked for a tick that has not started yet; the lease's
 * acquire removes it).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { all, any, ExpressionBuilder } from './expression';

/** What a running holder's conditional release found. */
export type QuietRelease = 'released' | 'kicked' | 'lost';

export interface KickRepository {
  /**
   * Counts a kick for the lease `name`; true when the caller should start a holder: the lease
   * is free and no kick asked for one in the last `coalesceMs`.
   */
  kick(name: string, now: number, coalesceMs: number): Promise<boolean>;
  /** Kicks counted so far (strongly consistent). */
  kicks(name: string): Promise<number>;
  /** Frees `owner`'s lease unless kicks arrived since it read `seen`: 'kicked' leaves it held, 'lost' when it is not ours. */
  releaseUnlessKicked(name: string, owner: string, seen: number): Promise<QuietRelease>;
}

export class DynamoKickRepository implements KickRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async kick(name: string, now: number, coalesceMs: number): Promise<boolean> {
    // 1. Counted first, unconditionally: a holder that has not released yet will see it.
    const counted = new ExpressionBuilder();
    counted.add('kicks', 1);
    const { Attributes: item = {} } = await this.doc.send(new UpdateCommand({
      TableName: this.table, Key: { name }, UpdateExpression: counted.updateExpression(), ...counted.attributes(), ReturnValues: 'ALL_NEW',
    }));
    if (Number(item.expiresAt ?? 0) > now) return false;
    if (item.wantedAt !== undefined && Number(item.wantedAt) > now - coalesceMs) return false;
    // 2. Free and not asked for: claim the start, so that of many kicks at once only one invokes.
    const u = new ExpressionBuilder();
    u.set('wantedAt', now);
    const free = any(u.missing('expiresAt'), u.lessThan('expiresAt', now + 1));
    const notWanted = any(u.missing('wantedAt'), u.lessThan('wantedAt', now - coalesceMs + 1));
    return this.write(name, u, all(free, notWanted));
  }

  async kicks(name: string): Promise<number> {
    const { Item } = await this.doc.send(new GetCommand({
      TableName: this.table, Key: { name }, ProjectionExpression: '#k', ExpressionAttributeNames: { '#k': 'kicks' }, ConsistentRead: true,
    }));
    return Number(Item?.kicks ?? 0);
  }

  async releaseUnlessKicked(name: string, owner: string, seen: number): Promise<QuietRelease> {
    const u = new ExpressionBuilder();
    u.set('expiresAt', 0);
    const quiet = seen === 0 ? any(u.missing('kicks'), u.equals('kicks', 0)) : u.equals('kicks', seen);
    try {
      await this.doc.send(new UpdateCommand({
        TableName: this.table, Key: { name }, UpdateExpression: u.updateExpression(),
        ConditionExpression: all(u.equals('owner', owner), quiet), ...u.attributes(),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }));
      return 'released';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return error.Item?.owner?.S === owner ? 'kicked' : 'lost';
    }
  }

  private async write(name: string, u: ExpressionBuilder, condition: string): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand({ TableName: this.table, Key: { name }, UpdateExpression: u.updateExpression(), ConditionExpression: condition, ...u.attributes() }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
