/**
 * svmsched-place: OpenNebula 7 scheduler driver `place` action. Reads the base64-encoded
 * SCHEDULER_DRIVER_ACTION on stdin, writes the PLAN on stdout.
 *   npm run --silent place < request > plan.xml
 *   svmsched-place --config /etc/one/schedulers/rank.conf < request
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { configPath, place, policyFromConf, PLACER_DEFAULTS, PlacerConfigError } from '../lib/placer';
import type { Policy } from '../lib/sched/contract';

function loadPolicy(file: string | undefined): Policy {
  const path = file ?? configPath(process.env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    // Without a rank.conf OpenNebula's defaults apply; a file named on the command line must exist.
    if (file === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return PLACER_DEFAULTS;
    throw new PlacerConfigError(path, (error as Error).message, { cause: error });
  }
  return policyFromConf(text, path);
}

const program = new Command('svmsched-place')
  .description('OpenNebula 7 placer: SCHEDULER_DRIVER_ACTION (base64 or XML) on stdin, PLAN on stdout')
  .option('-c, --config <file>', 'rank.conf to use (default: $ONE_LOCATION/etc/schedulers/rank.conf or /etc/one/schedulers/rank.conf)')
  .allowExcessArguments(true);
program.parse(process.argv);

try {
  const policy = loadPolicy(program.opts<{ config?: string }>().config);
  process.stdout.write(place(readFileSync(0, 'utf8'), policy));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
