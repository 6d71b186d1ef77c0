/**
 * What a job array costs (DynamoDB Local, counted by lib/store/counting.ts): submitting one job
 * and arrays of 25 and 10,000, then a tick while they wait (no host can take them: they ask for
 * one that does not exist yet). The first tick makes the array's first few elements; the ticks
 * after it make none while those wait. Run: npx tsx bench/arrays.bench.ts
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTables, tableNames, type CapacityCounts } from '../lib/store';
import { inProcess } from '../test/helpers/inProcess';
import { withCountedStack } from './countedStack';

const row = (what: string, c: CapacityCounts, ms: number) =>
  `| ${what} | ${c.calls} | ${c.readUnits} | ${c.writeUnits} | ${ms.toFixed(0)} | ${Object.entries(c.byOperation).map(([op, o]) => `${op} ${o.calls}`).join(', ')} |`;

export async function run(): Promise<void> {
  const alice = { user: 'alice', role: 'user' as const };
  // Waits: no host is named so (yet).
  const waiting = { service: 'nrt-service', args: ['60'], requirements: 'NAME = "future-*"', waitForHost: true };
  await withCountedStack(async ({ counting, simUrl }) => {
    const rows: string[] = [];
    for (const [label, extra] of [['one job', {}], ['array of 25', { count: 25 }], ['array of 10,000', { count: 10_000 }]] as const) {
      const names = tableNames(`bencharr${rows.length}`);
      await createTables(counting.client as DynamoDBClient, names);
      const app = await inProcess(counting.client, names, simUrl);
      await app.tick(); // a first tick with nothing waiting: the lease item and the cluster view exist
      const measure = async (what: string, step: () => Promise<unknown>) => {
        counting.reset();
        const t0 = performance.now();
        await step();
        rows.push(row(`${label}: ${what}`, counting.counts(), performance.now() - t0));
      };
      await measure('submit', () => app.jobs.submit(alice, { ...waiting, ...extra }));
      await measure('first tick', () => app.tick());
      await measure('next tick', () => app.tick());
      await measure('tick after', () => app.tick());
    }
    console.log('\nDynamoDB cost and time of submit and ticks while it waits\n| case | calls | RCU | WCU | ms | operations |\n|---|---|---|---|---|---|');
    for (const r of rows) console.log(r);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
