/**
 * The tenants' decayed past usage (the planner's fair order reads it), kept between ticks as one
 * item on the leases table next to the tick's lease and the cluster view. Only the tick writes
 * it, under its lease; the record is small (a number per tenant and per user of a tenant).
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const NAME = 'tenant-usage';

/** Dominant-share-seconds per tenant and per `${tenant}/${user}`, as of `at` (ms since the epoch). */
export interface StoredUsage {
  readonly usage: Readonly<Record<string, number>>;
  readonly userUsage: Readonly<Record<string, number>>;
  readonly at: number;
}

export interface TenantUsageRepository {
  save(record: StoredUsage): Promise<void>;
  /** The last record saved; undefined when none was, or it is not one this version reads. */
  latest(): Promise<StoredUsage | undefined>;
}

export class DynamoTenantUsageRepository implements TenantUsageRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async save(record: StoredUsage): Promise<void> {
    // As JSON text: user names are not attribute names a map could take whatever they hold.
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { name: NAME, record: JSON.stringify(record) } }));
  }

  async latest(): Promise<StoredUsage | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { name: NAME }, ConsistentRead: true }));
    if (typeof Item?.record !== 'string') return undefined;
    try {
      return asUsage(JSON.parse(Item.record));
    } catch {
      return undefined;
    }
  }
}

const isAmounts = (v: unknown): v is Record<string, number> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0);

/** A record the planner can take, or undefined: a damaged one starts usage afresh rather than failing every tick. */
export function asUsage(value: unknown): StoredUsage | undefined {
  const r = value as Partial<StoredUsage> | undefined;
  return typeof r === 'object' && r !== null && typeof r.at === 'number' && Number.isFinite(r.at) && isAmounts(r.usage) && isAmounts(r.userUsage)
    ? { usage: r.usage, userUsage: r.userUsage, at: r.at }
    : undefined;
}
