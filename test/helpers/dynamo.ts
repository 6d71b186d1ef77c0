/**
 * One DynamoDB Local per test file (in memory, on a free port of 8100-8199) and fresh
 * tables with unique names for each test that asks. Use at the top of a test file:
 *
 *   const dynamo = useDynamoLocal();
 *   it('…', async () => { const names = await dynamo.freshTables(); … });
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { isPortFree, startDynamoLocal, type DynamoLocal } from '../../local/dynamo';
import { createCountingClient, createTables, documentClient, localClientConfig, tableNames, type CountingClient, type TableNames } from '../../lib/store';

const PORTS = { first: 8100, last: 8199 };
const START_ATTEMPTS = 5;

export interface DynamoFixture {
  readonly endpoint: string;
  /** Counts capacity and calls of everything sent through it. */
  readonly counting: CountingClient;
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  /** Creates the tables of resources/tables.yml under new, unique names. */
  freshTables(): Promise<TableNames>;
}

export function useDynamoLocal(): DynamoFixture {
  let local: DynamoLocal | undefined;
  let state: { endpoint: string; counting: CountingClient; doc: DynamoDBDocumentClient } | undefined;
  const ready = () => {
    if (state === undefined) throw new Error('DynamoDB Local is not started: call useDynamoLocal() at the top of the test file');
    return state;
  };

  beforeAll(async () => {
    local = await startOnFreePort();
    const counting = createCountingClient(localClientConfig(local.endpoint));
    state = { endpoint: local.endpoint, counting, doc: documentClient(counting.client) };
  });

  afterAll(async () => {
    state?.counting.client.destroy();
    await local?.stop();
  });

  return {
    get endpoint() { return ready().endpoint; },
    get counting() { return ready().counting; },
    get client() { return ready().counting.client; },
    get doc() { return ready().doc; },
    async freshTables() {
      const names = tableNames(`t${randomBytes(5).toString('hex')}`);
      await createTables(ready().counting.client, names);
      return names;
    },
  };
}

/** Test files run in parallel: a port found free may be taken a moment later, so try a few. */
async function startOnFreePort(): Promise<DynamoLocal> {
  let lastError: unknown;
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    const port = await pickFreePort();
    try {
      return await startDynamoLocal({ port, inMemory: true });
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function pickFreePort(): Promise<number> {
  const span = PORTS.last - PORTS.first + 1;
  const offset = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const port = PORTS.first + ((offset + i) % span);
    if (await isPortFree(port)) return port;
  }
  throw new Error(`no free port in ${PORTS.first}-${PORTS.last} for DynamoDB Local`);
}
