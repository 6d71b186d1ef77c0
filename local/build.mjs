/**
 * `npm run build`: each command line compiled and bundled, with its libraries, into one file of
 * dist/ that node starts without TypeScript or node_modules (the client starts in a fraction of
 * what tsx takes, and the package installs with no dependency). setup.sh runs it when dist/ is
 * missing or older than the sources; `npm pack` runs it (prepack).
 */
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');

/** bin/<entry>.ts → dist/<entry>.js; the replay simulator only where it exists. */
const ENTRIES = ['svmschedclient', 'svmsched-admin', 'place', 'optimize', 'expr', 'simulate'];
export const STAMP = path.join(dist, '.built');

const entries = ENTRIES.filter((e) => existsSync(path.join(root, 'bin', `${e}.ts`)));
await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await build({
  entryPoints: Object.fromEntries(entries.map((e) => [e, path.join(root, 'bin', `${e}.ts`)])),
  outdir: dist,
  bundle: true,
  platform: 'node',
  format: 'esm',
  // package.json engines
  target: 'node20.19',
  minify: true,
  // Error classes and commands are told apart by name in places.
  keepNames: true,
  legalComments: 'none',
  logLevel: 'warning',
  // Bundled CommonJS libraries call require() for Node's built-ins.
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __svmschedRequire } from 'node:module'; const require = __svmschedRequire(import.meta.url);" },
});
for (const e of entries) await chmod(path.join(dist, `${e}.js`), 0o755);
await writeFile(STAMP, `${new Date().toISOString()}\n`);
process.stderr.write(`build: ${entries.map((e) => `dist/${e}.js`).join(', ')}\n`);
