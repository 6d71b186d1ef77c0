/**
 * `npm run bench`: every benchmark, each bundled with esbuild and run by plain node in its own
 * process (tsx's on-the-fly transform distorts timings; a fresh process gives honest peak
 * memory). Prints each benchmark's table, with the machine it ran on.
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, '.bench-build');
const BENCHES = [
  ['scheduling core (plan)', 'bench/sched.bench.ts'],
  ['OpenNebula placer (place)', 'bench/place.bench.ts'],
  ['requirement and rank expressions', 'bench/expr.bench.ts'],
  ['OpenNebula client (2,500 hosts, 10,000 VMs)', 'bench/one.bench.ts'],
  ['DynamoDB cost of a tick', 'bench/cost.bench.ts'],
] as const;

const only = process.argv.slice(2);
console.log(`machine: ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
let failed = 0;
for (const [title, entry] of BENCHES) {
  if (only.length > 0 && !only.some((o) => entry.includes(o))) continue;
  const outfile = path.join(out, `${path.basename(entry, '.ts')}.mjs`);
  await build({ entryPoints: [path.join(root, entry)], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error' });
  console.log(`\n## ${title}`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', outfile], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
rmSync(out, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
