import { Command } from 'commander';
import { maskToken } from '../config';
import type { CommandContext } from '../context';
import { clusterTable, servicesTable } from '../format/cluster';
import { withHelp } from '../help';
import { addCommonOptions, type CommonOptions, mergedOptions } from '../options';

const H = '-H svmsched@server=localhost';

export function servicesCommand(ctx: CommandContext): Command {
  const cmd = addCommonOptions(new Command('services'))
    .description('the services you can run (-r), with default and maximum vCPU, memory and lifetime')
    .action(async (_opts, self: Command) => {
      const opts = mergedOptions<CommonOptions>(self);
      const services = await ctx.api(opts).services();
      if (opts.json) return ctx.printJson(services);
      ctx.print(servicesTable(services, ctx.paint));
    });
  return withHelp(cmd, [`$ svmschedclient ${H} services`, '$ svmschedclient services --json']);
}

export function clusterCommand(ctx: CommandContext): Command {
  const cmd = addCommonOptions(new Command('cluster'))
    .description('hosts at a glance: used and free CPU and memory, VMs and jobs on each')
    .action(async (_opts, self: Command) => {
      const opts = mergedOptions<CommonOptions>(self);
      const info = await ctx.api(opts).cluster();
      if (opts.json) return ctx.printJson(info);
      ctx.print(clusterTable(info, ctx.paint));
    });
  return withHelp(cmd, [`$ svmschedclient ${H} cluster`, '$ svmschedclient -H http://svmsched.example.org:3000 cluster --json']);
}

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
