import { Command } from 'commander';
import { cancelCommand, listCommand, logsCommand, statusCommand } from './commands/jobCommands';
import { clusterCommand, configCommand, servicesCommand, tenantsCommand } from './commands/infoCommands';
import { outputCommand, usageCommand } from './commands/usageCommands';
import { runSubmit, SUBMIT_EXAMPLES, submitCommand } from './commands/submit';
import type { CommandContext } from './context';
import { UsageError } from './errors';
import { withHelp } from './help';
import { addCommonOptions, addSubmitOptions, mergedOptions, type SubmitOptions } from './options';

/**
 * svmschedclient: the root command is itself `submit`, so SVMSched's lines
 * (`svmschedclient -H svmsched@server=HOST --vcpu=2 --memory=1024 -r SERVICE -a FILE`) work unchanged.
 * Options are positional: given before a command name they are the root's, after it the command's;
 * both are merged, so `-H` and `--json` work on either side.
 */
export function buildProgram(ctx: CommandContext, version: string): Command {
  const program = addSubmitOptions(addCommonOptions(new Command('svmschedclient')))
    .description('Run services on an OpenNebula cloud through svmsched, and follow, list and cancel the jobs.\n'
      + 'With -r and no command, submits a job (same as `svmschedclient submit`).')
    .version(version, '-V, --version')
    .enablePositionalOptions()
    .allowExcessArguments()
    .showSuggestionAfterError()
    .helpCommand('help [command]', 'show the help of a command')
    .action(async (_opts, self: Command) => {
      const opts = mergedOptions<SubmitOptions>(self);
      const [stray] = self.args;
      if (stray !== undefined) throw strayArgument(stray, opts, self);
      if (!opts.service) {
        throw new UsageError('usage.no_command', 'nothing to do: give -r SERVICE to submit a job, or a command (svmschedclient --help)');
      }
      await runSubmit(ctx, opts);
    });
  for (const make of [submitCommand, statusCommand, listCommand, cancelCommand, logsCommand, outputCommand, servicesCommand,
    clusterCommand, tenantsCommand, usageCommand, configCommand]) {
    program.addCommand(make(ctx));
  }
  return withHelp(program, [...SUBMIT_EXAMPLES, '$ svmschedclient status JOB --wait', '$ svmschedclient list --state RUNNING']);
}

function strayArgument(arg: string, opts: SubmitOptions, program: Command): UsageError {
  if (opts.service || opts.args) {
    return new UsageError('usage.stray_argument', `unexpected argument '${arg}': give each service argument its own -a (-a file1 -a file2)`);
  }
  const names = program.commands.map((c) => c.name());
  const near = names.find((n) => editDistance(n, arg) <= 2);
  return new UsageError('usage.unknown_command',
    `unknown command '${arg}'${near ? ` (did you mean ${near}?)` : ''}; commands: ${names.join(', ')}`);
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}
