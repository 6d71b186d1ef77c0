/**
 * JobRepository on DynamoDB. Every write is conditional; a failed condition becomes a
 * domain error (JobStateConflictError, JobNotFoundError) carrying the state found.
 */
import { ConditionalCheckFailedException, TransactionCanceledException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand,
  type BatchGetCommandOutput, type DynamoDBDocumentClient, type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { reasonPatch } from './jobReason';
import { isFinal, JOB_STATES, type Job, type JobEvent, type JobState } from '../domain/job';
import { decodeCursor, encodeCursor, type CursorScope } from './cursor';
import {
  IdempotencyKeyReusedError, JobNotFoundError, JobStateConflictError, ProtectedFieldError,
} from './errors';
import { all, ExpressionBuilder } from './expression';
import { INDEX, INTERNAL_ATTRIBUTES, JOB_KIND, QUEUE_PARTITION, toItem, toJob } from './jobItem';
import type { CreatedJob, JobFilter, JobOutputRecord, JobPage, JobPatch, JobRepository, TransitionEvent } from './jobRepository';
import { PROTECTED_FIELDS } from './jobRepository';
import { queryAll } from './queryAll';
import { sameHash, sha256Hex } from './secrets';
import type { TableNames } from './tables';
import { usageAddition } from './usage';
import { usageOf } from '../domain/usage';

export interface DynamoJobRepositoryOptions {
  readonly tables: Pick<TableNames, 'jobs' | 'idempotency' | 'usage'>;
  /** Days a finished job (and an idempotency key) is kept before TTL removes it (config jobs.retentionDays). */
  readonly retentionDays: number;
  readonly now?: () => Date;
}

const DEFAULT_PAGE = 50;
const MAX_PAGE = 1000;
/** Queries per listing page at most, so that a filter matching little cannot read a whole partition at once. */
const MAX_QUERIES_PER_PAGE = 10;
/** Attempts when a concurrent transaction on the same items makes DynamoDB cancel ours. */
const TRANSACTION_ATTEMPTS = 5;
/** Re-reads when a transition from several states meets a concurrent writer. */
const TRANSITION_ATTEMPTS = 5;

const KEY_ATTRIBUTES = {
  [INDEX.byOwner]: ['id', 'owner', 'createdKey'],
  [INDEX.byCreated]: ['id', 'kind', 'createdKey'],
} as const;

export class DynamoJobRepository implements JobRepository {
  private readonly now: () => Date;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly options: DynamoJobRepositoryOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  async create(job: Job, idempotencyKey?: string): Promise<CreatedJob> {
    if (typeof job.id !== 'string' || job.id === '' || typeof job.owner !== 'string' || job.owner === '') {
      throw new RangeError('a job needs an id and an owner');
    }
    const put = { TableName: this.options.tables.jobs, Item: toItem(job, this.expiry()), ConditionExpression: 'attribute_not_exists(id)' };
    if (idempotencyKey === undefined) {
      await this.doc.send(new PutCommand(put));
      return { job, created: true };
    }
    return this.createOnce(put, job, idempotencyKey, fingerprint(job));
  }

  /** Job and idempotency key in one transaction: the key exists if and only if its job does. */
  private async createOnce(
    put: { TableName: string; Item: object; ConditionExpression: string },
    job: Job, key: string, requestHash: string,
  ): Promise<CreatedJob> {
    const { owner } = job;
    const idemKey = idempotencyItemKey(owner, key);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.doc.send(new TransactWriteCommand({
          TransactItems: [
            { Put: put },
            {
              Put: {
                TableName: this.options.tables.idempotency,
                Item: { key: idemKey, owner, idempotencyKey: key, jobId: job.id, requestHash, expiresAt: this.expiry() },
                ConditionExpression: 'attribute_not_exists(#key)',
                ExpressionAttributeNames: { '#key': 'key' },
              },
            },
          ],
        }));
        return { job, created: true };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const codes = (error.CancellationReasons ?? []).map((r) => r.Code);
        if (codes[1] === 'ConditionalCheckFailed') {
          const existing = await this.existingForKey(idemKey, key, requestHash);
          if (existing !== undefined) return existing;
        } else if (!codes.includes('TransactionConflict')) {
          throw error;
        }
        if (attempt >= TRANSACTION_ATTEMPTS) throw error;
        await backoff(attempt);
      }
    }
  }

  /** The job an earlier request created with this key; undefined when the key outlived its job (then it is dropped). */
  private async existingForKey(idemKey: string, key: string, requestHash: string): Promise<CreatedJob | undefined> {
    const { Item: record } = await this.doc.send(new GetCommand({
      TableName: this.options.tables.idempotency, Key: { key: idemKey }, ConsistentRead: true,
    }));
    if (record === undefined) return undefined;
    if (record.requestHash !== requestHash) throw new IdempotencyKeyReusedError(key, String(record.jobId));
    const job = await this.get(String(record.jobId));
    if (job !== undefined) return { job, created: false };
    // TTL removed the job before the key: forget the key so the request can create a job again.
    await this.doc.send(new DeleteCommand({
      TableName: this.options.tables.idempotency,
      Key: { key: idemKey },
      ConditionExpression: '#jobId = :jobId',
      ExpressionAttributeNames: { '#jobId': 'jobId' },
      ExpressionAttributeValues: { ':jobId': record.jobId },
    })).catch(ignoreConditionFailure);
    return undefined;
  }

  async get(jobId: string): Promise<Job | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.options.tables.jobs, Key: { id: jobId }, ConsistentRead: true }));
    return Item === undefined ? undefined : toJob(Item);
  }

  async list(filter: JobFilter = {}, pageSize: number = DEFAULT_PAGE, cursor?: string): Promise<JobPage> {
    const limit = Math.max(1, Math.min(MAX_PAGE, Math.trunc(pageSize) || DEFAULT_PAGE));
    if (Array.isArray(filter.state) && filter.state.length === 0) return { jobs: [] };
    const index = filter.owner === undefined ? INDEX.byCreated : INDEX.byOwner;
    const partition = filter.owner === undefined ? { name: 'kind', value: JOB_KIND } : { name: 'owner', value: filter.owner };
    const scope: CursorScope = { index, keyAttributes: KEY_ATTRIBUTES[index], owner: filter.owner, partition };
    const q = new ExpressionBuilder();
    const keyCondition = q.equals(partition.name, partition.value);
    const filters = [
      ...(filter.state === undefined ? [] : [q.oneOf('state', [filter.state].flat())]),
      ...(filter.class === undefined ? [] : [q.equals('class', filter.class)]),
      ...(filter.service === undefined ? [] : [q.equals('service', filter.service)]),
      // An array is one row (its own item) unless its elements are asked for. Only an element's id has an
      // "_" (lib/domain/array.ts), and ids are in every index: no projection has to carry more.
      ...(filter.elements ? [] : [`NOT contains(${q.name('id')}, ${q.value('_')})`]),
    ];
    const ids: string[] = [];
    let startKey = cursor === undefined || cursor === '' ? undefined : decodeCursor(cursor, scope);
    for (let queries = 0; queries < MAX_QUERIES_PER_PAGE && ids.length < limit; queries++) {
      const input: QueryCommandInput = {
        TableName: this.options.tables.jobs,
        IndexName: index,
        KeyConditionExpression: keyCondition,
        ...(filters.length > 0 ? { FilterExpression: all(...filters) } : {}),
        ...q.attributes(),
        ScanIndexForward: false,
        // At most what is missing: when the page fills, the last key evaluated is the last job returned.
        Limit: limit - ids.length,
        ExclusiveStartKey: startKey,
      };
      const out = await this.doc.send(new QueryCommand(input));
      for (const item of out.Items ?? []) ids.push(String(item.id));
      startKey = out.LastEvaluatedKey as Record<string, string> | undefined;
      if (startKey === undefined) break;
    }
    const jobs = await this.batchGet(ids);
    return { jobs, ...(startKey === undefined ? {} : { cursor: encodeCursor(scope, startKey) }) };
  }

  /** Full jobs for ids, in the order given; jobs removed meanwhile are skipped. */
  private async batchGet(ids: readonly string[]): Promise<Job[]> {
    const found = new Map<string, Job>();
    for (let i = 0; i < ids.length; i += 100) {
      let keys: Array<Record<string, unknown>> | undefined = ids.slice(i, i + 100).map((id) => ({ id }));
      for (let attempt = 1; keys !== undefined && keys.length > 0; attempt++) {
        const out: BatchGetCommandOutput = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.options.tables.jobs]: { Keys: keys } } }));
        for (const item of out.Responses?.[this.options.tables.jobs] ?? []) found.set(String(item.id), toJob(item));
        keys = out.UnprocessedKeys?.[this.options.tables.jobs]?.Keys;
        if (keys !== undefined && keys.length > 0) await backoff(attempt);
      }
    }
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  async unfinished(): Promise<Job[]> {
    const items = await queryAll(this.doc, {
      TableName: this.options.tables.jobs,
      IndexName: INDEX.queue,
      KeyConditionExpression: '#queueKey = :queue',
      ExpressionAttributeNames: { '#queueKey': 'queueKey' },
      ExpressionAttributeValues: { ':queue': QUEUE_PARTITION },
    });
    return items.map(toJob);
  }

  async countUnfinished(owner: string, atMost: number): Promise<number> {
    // Keys only, and no further than atMost: the cost is bounded by the limit, not by the user's history.
    if (atMost <= 0) return 0;
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(new QueryCommand({
        TableName: this.options.tables.jobs,
        IndexName: INDEX.unfinishedByOwner,
        KeyConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'unfinishedOwner' },
        ExpressionAttributeValues: { ':owner': owner },
        Select: 'COUNT',
        Limit: atMost - count,
        ExclusiveStartKey: startKey,
      }));
      count += out.Count ?? 0;
      startKey = out.LastEvaluatedKey;
    } while (startKey !== undefined && count < atMost);
    return count;
  }

  async transition(jobId: string, expected: JobState | readonly JobState[], next: JobState, asked: JobPatch, event: TransitionEvent): Promise<Job> {
    const states = expectedStates(expected);
    checkState(next);
    checkPatch(asked);
    // The job's reason follows its state, whoever moves it.
    const patch = reasonPatch(next, event.reason, asked);
    if (states.length === 1) return this.transitionFrom(jobId, states[0]!, states, next, patch, event);
    // The history records where the job came from, so with several candidates read which one it is.
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(jobId);
      if (current === undefined) throw new JobNotFoundError(jobId);
      if (!states.includes(current.state)) throw new JobStateConflictError(jobId, states, current.state);
      try {
        return await this.transitionFrom(jobId, current.state, states, next, patch, event);
      } catch (error) {
        if (!(error instanceof JobStateConflictError) || attempt >= TRANSITION_ATTEMPTS) throw error;
      }
    }
  }

  private async transitionFrom(jobId: string, from: JobState, states: readonly JobState[], next: JobState, patch: JobPatch, event: TransitionEvent): Promise<Job> {
    if (isFinal(next)) return this.finalTransition(jobId, from, states, next, patch, event);
    const now = this.now();
    const u = new ExpressionBuilder();
    const entry: JobEvent = { ...event, at: now.toISOString(), from, to: next };
    u.set('state', next).set('updatedAt', entry.at).appendToList('history', [entry]);
    applyPatch(u, patch);
    retireCallbackToken(u, patch);
    if (isFinal(next)) {
      // Out of the queue index for good, and gone after the retention.
      u.remove('queueKey').remove('unfinishedOwner').set('expiresAt', this.expiry(now));
    } else {
      u.set('queueKey', QUEUE_PARTITION).remove('expiresAt');
    }
    return this.conditionalUpdate(jobId, states, u, all(u.exists('id'), u.equals('state', from)));
  }

  /**
   * The transition that ends a job, with its usage added to the usage table in the same
   * transaction: the job's state condition makes it happen once, so the usage counts once (a
   * second finalisation, or a retried tick, fails the condition and adds nothing). The usage is
   * read from the history as it will be written, so the write is also conditional on the job
   * being unchanged since it was read; a concurrent change without a transition reads it again.
   */
  private async finalTransition(jobId: string, from: JobState, states: readonly JobState[], next: JobState, patch: JobPatch, event: TransitionEvent): Promise<Job> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(jobId);
      if (current === undefined) throw new JobNotFoundError(jobId);
      if (current.state !== from) throw new JobStateConflictError(jobId, states, current.state);
      const now = this.now();
      const entry: JobEvent = { ...event, at: now.toISOString(), from, to: next };
      const usage = usageOf({ ...current, state: next, history: [...current.history, entry] });
      const u = new ExpressionBuilder();
      u.set('state', next).set('updatedAt', entry.at).appendToList('history', [entry]).set('usage', usage);
      applyPatch(u, patch);
      retireCallbackToken(u, patch);
      u.remove('queueKey').remove('unfinishedOwner').set('expiresAt', this.expiry(now));
      const condition = all(u.exists('id'), u.equals('state', from), u.equals('updatedAt', current.updatedAt));
      try {
        await this.doc.send(new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.options.tables.jobs, Key: { id: jobId }, UpdateExpression: u.updateExpression(),
                ConditionExpression: condition, ...u.attributes(), ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            { Update: { TableName: this.options.tables.usage, ...usageAddition(usage) } },
          ],
        }));
        return (await this.get(jobId))!;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const [job] = error.CancellationReasons ?? [];
        if (job?.Code === 'ConditionalCheckFailed') {
          const actual = job.Item?.state?.S as JobState | undefined;
          if (actual === undefined) throw new JobNotFoundError(jobId, { cause: error });
          if (actual !== from) throw new JobStateConflictError(jobId, states, actual, { cause: error });
        } else if (!(error.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict')) {
          throw error;
        }
        if (attempt >= TRANSITION_ATTEMPTS) throw error;
        await backoff(attempt);
      }
    }
  }

  async patch(jobId: string, expected: JobState | readonly JobState[], patch: JobPatch): Promise<Job> {
    const states = expectedStates(expected);
    checkPatch(patch);
    const u = new ExpressionBuilder();
    u.set('updatedAt', this.now().toISOString());
    applyPatch(u, patch);
    retireCallbackToken(u, patch);
    return this.conditionalUpdate(jobId, states, u, all(u.exists('id'), u.oneOf('state', states)));
  }

  async callbackHash(jobId: string): Promise<string | undefined> {
    const { Item } = await this.doc.send(new GetCommand({
      TableName: this.options.tables.jobs,
      Key: { id: jobId },
      ProjectionExpression: '#h',
      ExpressionAttributeNames: { '#h': 'callbackTokenHash' },
      ConsistentRead: true,
    }));
    return typeof Item?.callbackTokenHash === 'string' ? Item.callbackTokenHash : undefined;
  }

  async verifyCallbackToken(jobId: string, token: string): Promise<boolean> {
    return (await this.jobForCallback(jobId, token)) !== undefined;
  }

  async jobForCallback(jobId: string, token: string): Promise<Job | undefined> {
    // Hash first, whatever happens next, so that a missing job answers no faster.
    const hash = sha256Hex(typeof token === 'string' ? token : '');
    if (typeof jobId !== 'string' || jobId.length === 0 || jobId.length > 128 || typeof token !== 'string' || token.length === 0) return undefined;
    // One strongly consistent read: the job and the hash it held at that moment.
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.options.tables.jobs, Key: { id: jobId }, ConsistentRead: true }));
    return Item !== undefined && sameHash(Item.callbackTokenHash, hash) ? toJob(Item) : undefined;
  }

  async saveOutput(jobId: string, output: Omit<JobOutputRecord, 'recordedAt'>): Promise<void> {
    // An item of its own: the job item stays small for the queue and the listings, and no
    // index holds it (it has none of their keys). Same TTL as a finished job.
    await this.doc.send(new PutCommand({
      TableName: this.options.tables.jobs,
      Item: { id: outputItemId(jobId), jobId, output: output.output, truncated: output.truncated, recordedAt: this.now().toISOString(), expiresAt: this.expiry() },
    }));
  }

  async output(jobId: string): Promise<JobOutputRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.options.tables.jobs, Key: { id: outputItemId(jobId) }, ConsistentRead: true }));
    if (Item === undefined) return undefined;
    return { output: String(Item.output ?? ''), truncated: Item.truncated === true, recordedAt: String(Item.recordedAt) };
  }

  private async conditionalUpdate(jobId: string, states: readonly JobState[], u: ExpressionBuilder, condition: string): Promise<Job> {
    try {
      const out = await this.doc.send(new UpdateCommand({
        TableName: this.options.tables.jobs,
        Key: { id: jobId },
        UpdateExpression: u.updateExpression(),
        ConditionExpression: condition,
        ...u.attributes(),
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }));
      return toJob(out.Attributes!);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const actual = (error.Item as Record<string, AttributeValue> | undefined)?.state?.S;
      if (actual === undefined) throw new JobNotFoundError(jobId, { cause: error });
      throw new JobStateConflictError(jobId, states, actual as JobState, { cause: error });
    }
  }

  /** TTL attribute: epoch seconds. */
  private expiry(now: Date = this.now()): number {
    return Math.floor(now.getTime() / 1000) + this.options.retentionDays * 86_400;
  }
}

/** Job ids have no '#' (lib/jobs/jobId.ts), so an output item never shares a key with a job. */
const outputItemId = (jobId: string) => `${jobId}#output`;

function applyPatch(u: ExpressionBuilder, patch: JobPatch): void {
  const { clear = [], ...fields } = patch;
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (value === null) u.remove(field);
    else u.set(field, value);
  }
  for (const field of clear) u.remove(field);
}

/**
 * A callback token belongs to one VM: a patch that takes the job's VM away (a requeue, a retry
 * elsewhere) retires its token with it, so the old VM's token is refused even before the next
 * VM gets a new one.
 */
function retireCallbackToken(u: ExpressionBuilder, patch: JobPatch): void {
  const dropsVm = patch.vmId === null || (patch.clear ?? []).includes('vmId');
  if (dropsVm && patch.callbackTokenHash === undefined) u.remove(WRITABLE_INTERNAL);
}

/** The one internal attribute a caller may write: the hash of the callback token it gave the VM. */
const WRITABLE_INTERNAL = 'callbackTokenHash';

function checkPatch(patch: JobPatch): void {
  const { clear = [], ...fields } = patch;
  for (const field of [...Object.keys(fields), ...clear]) {
    const internal = (INTERNAL_ATTRIBUTES as readonly string[]).includes(field) && field !== WRITABLE_INTERNAL;
    if ((PROTECTED_FIELDS as readonly string[]).includes(field) || internal || field === 'clear') throw new ProtectedFieldError(field);
  }
  for (const field of clear) {
    const value = (fields as Record<string, unknown>)[field];
    if (value !== undefined && value !== null) throw new RangeError(`patch both sets and clears "${field}"`);
  }
}

function expectedStates(expected: JobState | readonly JobState[]): readonly JobState[] {
  const states = [expected].flat() as JobState[];
  if (states.length === 0) throw new RangeError('expected states: give at least one');
  states.forEach(checkState);
  return states;
}

function checkState(state: JobState): void {
  if (!(JOB_STATES as readonly string[]).includes(state)) throw new RangeError(`unknown job state "${String(state)}"`);
}

function idempotencyItemKey(owner: string, key: string): string {
  // Hashed: any owner and key, of any length, make one fixed-size, unambiguous key.
  return sha256Hex(JSON.stringify([owner, key]));
}

/** What the submitter asked for (not what the service assigned: id, times). */
const REQUEST_FIELDS = ['owner', 'service', 'class', 'priority', 'vcpu', 'memory', 'args', 'lifetime', 'requirements', 'preemptMode', 'runtimeEstimate', 'array', 'dependsOn', 'retry'] as const;

/** Identifies a request, so that a reused key with a different request is refused rather than answered with the old job. */
function fingerprint(job: Job): string {
  return sha256Hex(JSON.stringify(REQUEST_FIELDS.map((k) => [k, job[k] ?? null])));
}

function ignoreConditionFailure(error: unknown): void {
  if (!(error instanceof ConditionalCheckFailedException)) throw error;
}

function backoff(attempt: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt) * (0.5 + Math.random() / 2)));
}

