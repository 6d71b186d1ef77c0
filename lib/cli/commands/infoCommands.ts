import { Command } from 'commander';
import type { SvmschedApi } from '../api';
import { maskToken } from '../config';
import type { CommandContext } from '../context';
import { clusterTable, servicesTable } from '../format/cluster';
import { tenantsTable } from '../format/tenants';
import { withHelp } from '../help';
import { addCommonOptions, type CommonOptions, mergedOptions } from '../options';

const H = '-H svmsched@server=localhost';

/** A command that fetches one thing and prints it as text, or as JSON with --json. */
function viewCommand<T>(ctx: CommandContext, name: string, description: string,
  load: (api: SvmschedApi) => Promise<T>, render: (data: T) => string, examples: string[]): Command {
  const cmd = addCommonOptions(new Command(name))
    .description(description)
    .action(async (_opts, self: Command) => {
      const opts = mergedOptions<CommonOptions>(self);
      const data = await load(ctx.api(opts));
      if (opts.json) return ctx.printJson(data);
      ctx.print(render(data));
    });
  return withHelp(cmd, examples);
}

export const servicesCommand = (ctx: CommandContext): Command => viewCommand(ctx, 'services',
  'the services you can run (-r), with default and maximum vCPU, memory and lifetime',
  (api) => api.services(), (services) => servicesTable(services, ctx.paint),
  [`$ svmschedclient ${H} services`, '$ svmschedclient services --json']);

export const clusterCommand = (ctx: CommandContext): Command => viewCommand(ctx, 'cluster',
  'hosts at a glance: used and free CPU and memory, VMs and jobs on each',
  (api) => api.cluster(), (info) => clusterTable(info, ctx.paint),
  [`$ svmschedclient ${H} cluster`, '$ svmschedclient -H http://svmsched.example.org:3000 cluster --json']);

export const tenantsCommand = (ctx: CommandContext): Command => viewCommand(ctx, 'tenants',
  'the tenants sharing the cloud (yours, or all for an admin): share, guaranteed, used, borrowed and lent capacity, waiting jobs, limits',
  (api) => api.tenants(), (info) => tenantsTable(info, ctx.paint),
  [`$ svmschedclient ${H} tenants`, '$ svmschedclient tenants --json']);

export function configCommand(ctx: CommandContext): Command {
  const cmd = addCommonOptions(new Command('config'))
    .description('show which server and token would be used, and where each comes from (no request is made)')
    .action((_opts, self: Command) => {
      const opts = mergedOptions<CommonOptions>(self);
      const c = ctx.connection(opts);
      const view = {
        server: c.server, serverSource: c.serverSource,
        token: c.token ? maskToken(c.token) : null, tokenSource: c.tokenSource,
        configFile: c.configPath, localTokenFile: c.localTokenPath,
      };
      if (opts.json) return ctx.printJson(view);
      ctx.print(`server: ${view.server} (from ${view.serverSource})\n`
        + `token:  ${view.token ?? 'none'} (from ${view.tokenSource})\n`
        + `config file: ${view.configFile}\nlocal stack token: ${view.localTokenFile}\n`);
    });
  return withHelp(cmd, [`$ svmschedclient ${H} config`, '$ SVMSCHED_URL=https://svmsched.example.org svmschedclient config --json']);
}
