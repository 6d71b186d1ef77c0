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
/** [title, entry, bundled]: timed benchmarks are bundled; the DynamoDB one counts, reads files beside its sources, and runs under tsx. */
const BENCHES = [
  ['scheduling core (plan)', 'bench/sched.bench.ts', true],
  ['OpenNebula placer (place)', 'bench/place.bench.ts', true],
  ['optimisation plans (optimize)', 'bench/optimize.bench.ts', true],
  ['optimiser next to one_drs (ONE_DRS=its optimize action)', 'bench/drs.bench.ts', true],
  ['requirement and rank expressions', 'bench/expr.bench.ts', true],
  ['glob worst case (`*[!~]`×k then `~`), backtracking then and now', 'bench/glob.bench.ts', true],
  ['OpenNebula client (2,500 hosts, 10,000 VMs)', 'bench/one.bench.ts', true],
  ['DynamoDB cost of a tick', 'bench/cost.bench.ts', false],
  ['job arrays: submit and tick cost', 'bench/arrays.bench.ts', false],
] as const;
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

const only = process.argv.slice(2);
const pinnable = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
console.log(`machine: ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}${pinnable ? '; timed benchmarks pinned to core 0' : ''}`);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
let failed = 0;
for (const [title, entry, bundled] of BENCHES) {
  if (only.length > 0 && !only.some((o) => entry.includes(o))) continue;
  console.log(`\n## ${title}`);
  let args = ['--import', 'tsx', path.join(root, entry)];
  if (bundled) {
    const outfile = path.join(out, `${path.basename(entry, '.ts')}.mjs`);
    await build({ entryPoints: [path.join(root, entry)], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error' });
    args = [outfile];
  }
  // Timed benchmarks run pinned to one core (GC threads included), as the goals are stated.
  const node = [process.execPath, '--expose-gc', '--max-old-space-size=4096', ...args];
  const [cmd, ...argv] = bundled && pinnable ? ['taskset', '-c', '0', ...node] : node;
  const r = spawnSync(cmd!, argv, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) failed++;
}
rmSync(out, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
