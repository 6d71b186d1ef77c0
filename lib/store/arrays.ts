/**
 * Job arrays in the jobs table. An array is one item (a Job with `array`, see
 * lib/domain/array.ts) that waits in its own partition of the queue index while unfinished; its
 * elements are ordinary job items, written by the tick a few at a time in one transaction with
 * the array's count of elements made, so a submit writes one item whatever the size and a crash
 * can neither lose nor double an element (their ids are the array's id and their index).
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, TransactWriteCommand, UpdateCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { elementId, indexAt } from '../domain/array';
import { isFinal, type Job, type JobEvent, type JobState } from '../domain/job';
import { JobStateConflictError } from './errors';
import { ARRAY_PARTITION, INDEX, toItem, toJob } from './jobItem';
import { queryAll } from './queryAll';
import type { TableNames } from './tables';

/** At most this many elements in one transaction (DynamoDB takes 100 items; the array's update is one). */
export const MAX_ELEMENTS_PER_WRITE = 50;

export interface ArrayRepository {
  /** Every unfinished array (its own partition of the queue index, never a Scan). */
  unfinishedArrays(): Promise<Job[]>;
  /**
   * Writes `elements` (the next ones, in index order) and advances the array's count of elements
   * made, in one transaction, conditional on that count being still `array.array.materialised`
   * and the array unfinished. Returns false when another writer got there first (nothing written).
   */
  materialise(array: Job, elements: readonly Job[]): Promise<boolean>;
  /** Ends the array (from one of `from`): out of the queue index, its state and reason in its history. */
  finish(arrayId: string, from: readonly JobState[], to: JobState, reason: string): Promise<Job>;
  /** The elements made so far, in index order (strongly consistent). */
  elements(array: Job): Promise<Job[]>;
}

export class DynamoArrayRepository implements ArrayRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly options: { readonly tables: Pick<TableNames, 'jobs'>; readonly retentionDays: number; readonly now?: () => Date },
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  async unfinishedArrays(): Promise<Job[]> {
    const items = await queryAll(this.doc, {
      TableName: this.options.tables.jobs,
      IndexName: INDEX.queue,
      KeyConditionExpression: '#queueKey = :queue',
      ExpressionAttributeNames: { '#queueKey': 'queueKey' },
      ExpressionAttributeValues: { ':queue': ARRAY_PARTITION },
    });
    return items.map(toJob);
  }

  async materialise(array: Job, elements: readonly Job[]): Promise<boolean> {
    const spec = array.array!;
    if (elements.length === 0) return true;
    if (elements.length > MAX_ELEMENTS_PER_WRITE) throw new RangeError(`at most ${MAX_ELEMENTS_PER_WRITE} elements per write`);
    if (spec.materialised + elements.length > spec.size) throw new RangeError(`array ${array.id} has ${spec.size} elements`);
    const at = this.now().toISOString();
    const first = array.state === 'QUEUED';
    const event: JobEvent = { at, from: 'QUEUED', to: 'RUNNING', reason: 'its first elements were made' };
    try {
      await this.doc.send(new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.options.tables.jobs,
              Key: { id: array.id },
              UpdateExpression: `SET #array.#made = :to, #updatedAt = :at${first ? ', #state = :running, #history = list_append(#history, :event)' : ''}`,
              ConditionExpression: '#array.#made = :from AND #state IN (:queued, :running)',
              ExpressionAttributeNames: { '#array': 'array', '#made': 'materialised', '#updatedAt': 'updatedAt', '#state': 'state', ...(first ? { '#history': 'history' } : {}) },
              ExpressionAttributeValues: {
                ':to': spec.materialised + elements.length, ':from': spec.materialised, ':at': at, ':queued': 'QUEUED', ':running': 'RUNNING',
                ...(first ? { ':event': [event] } : {}),
              },
            },
          },
          ...elements.map((e) => ({
            Put: { TableName: this.options.tables.jobs, Item: toItem(e, 0), ConditionExpression: 'attribute_not_exists(id)' },
          })),
        ],
      }));
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }

  async finish(arrayId: string, from: readonly JobState[], to: JobState, reason: string): Promise<Job> {
    if (!isFinal(to)) throw new RangeError(`an array ends in a final state, not ${to}`);
    const now = this.now();
    try {
      const out = await this.doc.send(new UpdateCommand({
        TableName: this.options.tables.jobs,
        Key: { id: arrayId },
        UpdateExpression: 'SET #state = :to, #reason = :reason, #updatedAt = :at, #history = list_append(#history, :event), #expiresAt = :expires REMOVE #queueKey',
        ConditionExpression: `attribute_exists(#array) AND #state IN (${from.map((_, i) => `:from${i}`).join(', ')})`,
        ExpressionAttributeNames: {
          '#state': 'state', '#reason': 'reason', '#updatedAt': 'updatedAt', '#history': 'history', '#expiresAt': 'expiresAt', '#queueKey': 'queueKey', '#array': 'array',
        },
        ExpressionAttributeValues: {
          ':to': to, ':reason': reason, ':at': now.toISOString(),
          ':event': [{ at: now.toISOString(), to, reason }],
          ':expires': Math.floor(now.getTime() / 1000) + this.options.retentionDays * 86_400,
          ...Object.fromEntries(from.map((s, i) => [`:from${i}`, s])),
        },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }));
      return toJob(out.Attributes!);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const actual = (error.Item as Record<string, { S?: string }> | undefined)?.state?.S;
      throw new JobStateConflictError(arrayId, from, (actual ?? 'unknown') as JobState, { cause: error });
    }
  }

  async elements(array: Job): Promise<Job[]> {
    const spec = array.array!;
    const ids = Array.from({ length: spec.materialised }, (_, k) => elementId(array.id, indexAt(spec, k)));
    const found = new Map<string, Job>();
    const table = this.options.tables.jobs;
    for (let i = 0; i < ids.length; i += 100) {
      let keys: Array<Record<string, unknown>> | undefined = ids.slice(i, i + 100).map((id) => ({ id }));
      for (let attempt = 1; keys !== undefined && keys.length > 0; attempt++) {
        const out: BatchGetCommandOutput = await this.doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of out.Responses?.[table] ?? []) found.set(String(item.id), toJob(item));
        keys = out.UnprocessedKeys?.[table]?.Keys;
        if (keys !== undefined && keys.length > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
      }
    }
    return ids.flatMap((id) => found.get(id) ?? []);
  }
}
