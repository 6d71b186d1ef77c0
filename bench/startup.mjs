/**
 * `node bench/startup.mjs [runs]`: how long each command line takes to start and answer
 * `--help`, run from its TypeScript through tsx (bin/*.js, what a clone runs) and from its
 * bundle (dist/, what `npm run build` writes and the package installs). Median and range of
 * fresh processes, with the machine. Build first.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 11);
const COMMANDS = [['svmschedclient', 'svmschedclient'], ['svmsched-admin', 'svmsched-admin'], ['svmsched-place', 'place'], ['svmsched-optimize', 'optimize'], ['svmsched-expr', 'expr']];

function time(file) {
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [file, '--help'], { stdio: 'ignore', env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    if (r.status !== 0) throw new Error(`${file} --help exited ${r.status}`);
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return `${ms[Math.floor(ms.length / 2)].toFixed(0)} ms (${ms[0].toFixed(0)}–${ms.at(-1).toFixed(0)})`;
}

console.log(`machine: ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ${runs} runs each, median (min–max)`);
console.log('command            | tsx (bin/*.js)        | bundle (dist/)');
for (const [name, entry] of COMMANDS) {
  const bundle = path.join(root, 'dist', `${entry}.js`);
  console.log(`${name.padEnd(18)} | ${time(path.join(root, 'bin', `${entry}.js`)).padEnd(21)} | ${existsSync(bundle) ? time(bundle) : 'not built'}`);
}
