/**
 * The tick's last cluster view (what GET /cluster shows), kept on the leases table next to
 * the tick's lease: gzip-compressed JSON, split into items well under DynamoDB's 400 KB item
 * limit. The first item (`cluster-view`) names how many parts and which generation they
 * belong to; the others (`cluster-view#1` …) are written first, so a reader never sees a head
 * without its parts, and a reader that meets parts of a newer generation reads again.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';

const HEAD = 'cluster-view';
/** Bytes of compressed view per item: room for the key and attributes under the 400 KB limit. */
const PART_BYTES = 350_000;
const READ_ATTEMPTS = 3;

export interface ClusterViewRepository {
  /** Stores `view` (any JSON value) as the latest. */
  save(view: unknown): Promise<void>;
  /** The latest view saved, or undefined when none was. */
  latest(): Promise<unknown>;
}

export class DynamoClusterViewRepository implements ClusterViewRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly partBytes: number = PART_BYTES,
  ) {}

  async save(view: unknown): Promise<void> {
    const packed = gzipSync(JSON.stringify(view));
    const generation = randomBytes(8).toString('hex');
    const parts: Buffer[] = [];
    for (let at = 0; at < packed.length; at += this.partBytes) parts.push(packed.subarray(at, at + this.partBytes));
    await Promise.all(parts.slice(1).map((data, i) => this.doc.send(new PutCommand({
      TableName: this.table, Item: { name: `${HEAD}#${i + 1}`, generation, data },
    }))));
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { name: HEAD, generation, parts: parts.length, data: parts[0] } }));
  }

  async latest(): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      const head = await this.get(HEAD);
      if (head === undefined) return undefined;
      const rest = await Promise.all(Array.from({ length: Number(head.parts) - 1 }, (_, i) => this.get(`${HEAD}#${i + 1}`)));
      // A part of another generation: a tick saved a newer view meanwhile; read that one.
      if (rest.every((p) => p?.generation === head.generation)) {
        return JSON.parse(gunzipSync(Buffer.concat([head.data, ...rest.map((p) => p!.data)])).toString('utf8'));
      }
      if (attempt >= READ_ATTEMPTS) return undefined;
    }
  }

  private async get(name: string): Promise<{ generation: string; parts?: number; data: Uint8Array } | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { name }, ConsistentRead: true }));
    return Item as { generation: string; parts?: number; data: Uint8Array } | undefined;
  }
}
