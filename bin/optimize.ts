/**
 * svmsched-optimize: OpenNebula 7 scheduler driver `optimize` action, as one_sched.rb runs it
 * (`optimize <cluster_id>`, the base64-encoded SCHEDULER_DRIVER_ACTION on stdin); writes the
 * PLAN of migrations on stdout and one line per cluster on stderr.
 *   svmsched-optimize 0 < request > plan.xml
 *   svmsched-optimize --config /etc/one/schedulers/one_drs.conf 0 < request
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { DRS_DEFAULTS, drsConfPath, drsOptionsFromConf, optimizePlanToXml, optimizeRequest } from '../lib/placer/optimize';
import { PlacerConfigError } from '../lib/placer';

function loadOptions(file: string | undefined) {
  const path = file ?? drsConfPath(process.env);
  try {
    return drsOptionsFromConf(readFileSync(path, 'utf8'), path);
  } catch (error) {
    // Without a one_drs.conf its defaults apply; a file named on the command line must exist.
    if (file === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return DRS_DEFAULTS;
    if (error instanceof PlacerConfigError) throw error;
    throw new PlacerConfigError(path, (error as Error).message, { cause: error });
  }
}

const program = new Command('svmsched-optimize')
  .description('OpenNebula 7 optimiser: SCHEDULER_DRIVER_ACTION (base64 or XML) on stdin, PLAN of migrations on stdout')
  .argument('<cluster_id>', 'the cluster to optimise (one_sched.rb passes it)')
  .option('-c, --config <file>', 'one_drs.conf to use (default: $ONE_LOCATION/etc/schedulers/one_drs.conf or /etc/one/schedulers/one_drs.conf)')
  .allowExcessArguments(true);
program.parse(process.argv);

try {
  const clusterId = Number(program.args[0]);
  if (!Number.isInteger(clusterId) || clusterId < 0) throw new Error(`"${program.args[0]}" is not a cluster id`);
  const plan = optimizeRequest(readFileSync(0, 'utf8'), clusterId, loadOptions(program.opts<{ config?: string }>().config));
  process.stdout.write(optimizePlanToXml(plan, clusterId));
  for (const r of plan.reasons) process.stderr.write(`INFO: ${r}\n`);
} catch (error) {
  process.stderr.write(`ERROR: ${(error as Error).message}\n`);
  process.exit(1);
}
