/**
 * `serverless package` / `deploy` run this (resources/deployment.cjs) on the configuration file
 * to deploy: loaded as the functions load it, so a file that passes here loads there.
 * Exit 0 when it loads; else 1 with the reason on stderr.
 */
import { loadConfig } from '../lib/config';

const file = process.argv[2];
try {
  if (!file) throw new Error('usage: checkConfig.ts FILE');
  await loadConfig(file, {});
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}
