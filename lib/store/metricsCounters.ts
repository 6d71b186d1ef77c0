/**
 * Counters that outlive the Lambda that counted them: one item (`metrics`) on the leases table,
 * one number attribute per series, each raised with DynamoDB's ADD (atomic, so functions running
 * at once never lose each other's counts). GET /metrics reads it with one GetItem: the cost of a
 * scrape does not grow with the number of jobs, only with the number of series.
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const ITEM = 'metrics';
/** Series raised per UpdateItem: keeps the update expression well under DynamoDB's 4 KB. */
const PER_UPDATE = 100;

export interface MetricsCounterRepository {
  /** Adds each delta to its series (a series starts at 0). */
  add(deltas: Readonly<Record<string, number>>): Promise<void>;
  /** Every series and its value. */
  read(): Promise<Record<string, number>>;
}

export class DynamoMetricsCounterRepository implements MetricsCounterRepository {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly table: string) {}

  async add(deltas: Readonly<Record<string, number>>): Promise<void> {
    const entries = Object.entries(deltas).filter(([, v]) => v !== 0 && Number.isFinite(v));
    for (let at = 0; at < entries.length; at += PER_UPDATE) {
      const part = entries.slice(at, at + PER_UPDATE);
      await this.doc.send(new UpdateCommand({
        TableName: this.table,
        Key: { name: ITEM },
        UpdateExpression: `ADD ${part.map((_, i) => `#s${i} :v${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(part.map(([k], i) => [`#s${i}`, k])),
        ExpressionAttributeValues: Object.fromEntries(part.map(([, v], i) => [`:v${i}`, v])),
      }));
    }
  }

  async read(): Promise<Record<string, number>> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { name: ITEM } }));
    const { name: _name, ...series } = (Item ?? {}) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(series).filter((e): e is [string, number] => typeof e[1] === 'number'));
  }
}
