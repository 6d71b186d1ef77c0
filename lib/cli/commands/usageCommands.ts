import { Command, InvalidArgumentError, Option } from 'commander';
import type { CommandContext } from '../context';
import { outputText, USAGE_UNITS, usageCsv, usageTable, type UsageUnit } from '../format/usage';
import { withHelp } from '../help';
import { addCommonOptions, type CommonOptions, mergedOptions } from '../options';

const H = '-H svmsched@server=localhost';

interface UsageOptions extends CommonOptions {
  from?: string;
  to?: string;
  by?: 'tenant' | 'user' | 'service';
  user?: string;
  csv?: boolean;
  time?: UsageUnit;
}

function day(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value.trim())) throw new InvalidArgumentError('Must be a day as YYYY-MM-DD (UTC).');
  return value.trim();
}

/** `svmschedclient usage`: what finished jobs used, as sreport's "cluster utilisation by account". */
export function usageCommand(ctx: CommandContext): Command {
  const cmd = addCommonOptions(new Command('usage'))
    .description('what finished jobs used (vCPU and memory time, wall, wait, preempted and lost time, outcomes), by tenant, user or service; yours, or everyone\'s for an admin')
    .option('--from <day>', 'first day, YYYY-MM-DD UTC (default: 29 days before --to)', day)
    .option('--to <day>', 'last day, YYYY-MM-DD UTC (default: today); a year at most', day)
    .addOption(new Option('--by <what>', 'sum by').choices(['tenant', 'user', 'service']).default('tenant'))
    .option('--user <user>', 'admins: one user\'s usage')
    .option('--csv', 'print CSV (figures in seconds) for a spreadsheet')
    .addOption(new Option('-t, --time <unit>', 'unit of the table\'s figures').choices(Object.keys(USAGE_UNITS)).default('hours'))
    .action(async (_opts, self: Command) => {
      const opts = mergedOptions<UsageOptions>(self);
      const report = await ctx.api(opts).usage({ from: opts.from, to: opts.to, by: opts.by, user: opts.user });
      if (opts.json) return ctx.printJson(report);
      if (opts.csv) return ctx.print(usageCsv(report));
      ctx.print(usageTable(report, opts.time ?? 'hours', ctx.paint));
    });
  return withHelp(cmd, [
    `$ svmschedclient ${H} usage --from 2026-11-01 --to 2026-11-30 --by user`,
    '$ svmschedclient usage --by service -t minutes', '$ svmschedclient usage --from 2026-01-01 --to 2026-12-31 --csv > usage.csv',
  ]);
}

/** `svmschedclient output JOB`: the tail of a job's output, sent with its completion. */
export function outputCommand(ctx: CommandContext): Command {
  const cmd = addCommonOptions(new Command('output'))
    .description('the last 64 KB of a finished job\'s output (stdout and stderr), as its VM sent it')
    .argument('<job>', 'job id')
    .action(async (jobId: string, _opts, self: Command) => {
      const opts = mergedOptions<CommonOptions>(self);
      const out = await ctx.api(opts).jobOutput(jobId);
      if (opts.json) return ctx.printJson(out);
      ctx.print(outputText(out));
    });
  return withHelp(cmd, [`$ svmschedclient ${H} output JOB`, '$ svmschedclient output JOB --json']);
}
