/**
 * Counts what DynamoDB charges: capacity units (asked for with ReturnConsumedCapacity
 * TOTAL on every operation that supports it) and calls, per operation. Used to measure
 * a job from submit to completion and a tick, against DynamoDB Local or AWS.
 */
import { DynamoDBClient, type ConsumedCapacity, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

export interface OperationCount {
  calls: number;
  /** Calls that failed (a failed condition still costs a write on AWS, but reports no capacity). */
  failures: number;
  readUnits: number;
  writeUnits: number;
}

export interface CapacityCounts extends OperationCount {
  readonly byOperation: Readonly<Record<string, OperationCount>>;
}

export interface CountingClient {
  readonly client: DynamoDBClient;
  counts(): CapacityCounts;
  reset(): void;
}

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const MIDDLEWARE = 'svmschedCountCapacity';

export function createCountingClient(config: DynamoDBClientConfig = {}): CountingClient {
  return countCapacity(new DynamoDBClient(config));
}

/** Counts on an existing client (and every document client built from it). */
export function countCapacity(client: DynamoDBClient): CountingClient {
  let byOperation: Record<string, OperationCount> = {};
  const entry = (op: string) => (byOperation[op] ??= { calls: 0, failures: 0, readUnits: 0, writeUnits: 0 });

  client.middlewareStack.remove(MIDDLEWARE);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const op = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
      const counted = entry(op);
      counted.calls += 1;
      const input = args.input as { ReturnConsumedCapacity?: string };
      if (READS.has(op) || WRITES.has(op)) input.ReturnConsumedCapacity ??= 'TOTAL';
      try {
        const result = await next(args);
        const consumed = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
        for (const c of consumed === undefined ? [] : [consumed].flat()) {
          counted.readUnits += c.ReadCapacityUnits ?? (READS.has(op) ? c.CapacityUnits ?? 0 : 0);
          counted.writeUnits += c.WriteCapacityUnits ?? (WRITES.has(op) ? c.CapacityUnits ?? 0 : 0);
        }
        return result;
      } catch (error) {
        counted.failures += 1;
        throw error;
      }
    },
    { step: 'initialize', name: MIDDLEWARE },
  );

  return {
    client,
    counts() {
      const ops = structuredClone(byOperation);
      const total = Object.values(ops).reduce(
        (sum, c) => ({ calls: sum.calls + c.calls, failures: sum.failures + c.failures, readUnits: sum.readUnits + c.readUnits, writeUnits: sum.writeUnits + c.writeUnits }),
        { calls: 0, failures: 0, readUnits: 0, writeUnits: 0 },
      );
      return { ...total, byOperation: ops };
    },
    reset() {
      byOperation = {};
    },
  };
}
