/**
 * DynamoDB cost of one tick with 10 and with 10,000 finished jobs in the table (DynamoDB
 * Local, counted by lib/store/counting.ts). Run: npx tsx bench/cost.bench.ts
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTables, tableNames } from '../lib/store';
import { inProcess } from '../test/helpers/inProcess';
import { withCountedStack } from './countedStack';

export async function run(): Promise<void> {
  const alice = { user: 'alice', role: 'user' as const };
  await withCountedStack(async ({ counting, simUrl }) => {
    const rows: string[] = [];
    for (const finished of [10, 10_000]) {
      const names = tableNames(`bench${finished}`);
      await createTables(counting.client as DynamoDBClient, names);
      const app = await inProcess(counting.client, names, simUrl);
      for (let i = 0; i < finished; i += 50) {
        await Promise.all(Array.from({ length: Math.min(50, finished - i) }, async () => {
          const j = await app.jobs.submit(alice, { service: 'nrt-service', args: ['1'] });
          await app.store.jobs.transition(j.id, 'QUEUED', 'COMPLETED', {}, { reason: 'bench' });
        }));
      }
      counting.reset();
      await app.tick();
      const c = counting.counts();
      rows.push(`| ${finished} | ${c.calls} | ${c.readUnits} | ${c.writeUnits} | ${Object.keys(c.byOperation).join(', ')} |`);
    }
    console.log('\nDynamoDB cost of one tick (no unfinished jobs)\n| finished jobs | calls | RCU | WCU | operations |\n|---|---|---|---|---|');
    for (const r of rows) console.log(r);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
