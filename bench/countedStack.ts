/**
 * What the DynamoDB benchmarks run against: DynamoDB Local in memory and the OpenNebula
 * simulator, with a client that counts every call and capacity unit, all stopped whatever the
 * benchmark does.
 */
import { startDynamoLocal } from '../local/dynamo';
import { freePort } from '../local/ports';
import { FAST_TIMING, startSimulator } from '../local/sim';
import { createCountingClient, localClientConfig, type CountingClient } from '../lib/store';

export interface CountedStack {
  readonly counting: CountingClient;
  /** The simulator's XML-RPC endpoint. */
  readonly simUrl: string;
}

export async function withCountedStack<T>(body: (stack: CountedStack) => Promise<T>): Promise<T> {
  const dynamo = await startDynamoLocal({ port: await freePort(), inMemory: true });
  const sim = await startSimulator({ timing: FAST_TIMING, bootScripts: false });
  const counting = createCountingClient(localClientConfig(dynamo.endpoint));
  try {
    return await body({ counting, simUrl: sim.url });
  } finally {
    counting.client.destroy();
    await sim.close();
    await dynamo.stop();
  }
}
