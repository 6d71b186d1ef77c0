/**
 * The OpenNebula 7 placer on a 1,000 host / 1,000 VM request (base64 in, PLAN out, in
 * process), and the same through bin/place.js (a process per request, as oned runs it).
 * Run: npx tsx bench/place.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { place } from '../lib/placer';
import { encodeRequest, largeRequest, requestXml } from '../test/placer/requestFixture';

export const PLACE_SIZES: ReadonlyArray<readonly [number, number]> = [[1_000, 1_000]];

export async function run(): Promise<void> {
  const rows = [];
  for (const [hosts, vms] of PLACE_SIZES) {
    const request = encodeRequest(requestXml(largeRequest(hosts, vms)));
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const planXml = place(request);
    const cpu = process.cpuUsage(c0);
    const ms = performance.now() - t0;
    const t1 = performance.now();
    const child = spawnSync(process.execPath, [join(import.meta.dirname, '../bin/place.js')], { input: request, encoding: 'utf8', env: { ...process.env, ONE_LOCATION: '/nonexistent' }, maxBuffer: 1 << 28 });
    const processMs = performance.now() - t1;
    rows.push({
      hosts, vms, 'request MB': +(request.length / 1048576).toFixed(1), 'in-process ms': Math.round(ms), 'cpu ms': Math.round((cpu.user + cpu.system) / 1000),
      'bin/place.js ms': child.status === 0 ? Math.round(processMs) : `failed: ${child.stderr.slice(0, 80)}`,
      actions: (planXml.match(/<ACTION>/g) ?? []).length,
      'peak rss MB': Math.round(process.resourceUsage().maxRSS / 1024), 'heap MB': Math.round(process.memoryUsage().heapUsed / 1048576),
    });
  }
  console.log('OpenNebula placer: place()');
  console.table(rows);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
