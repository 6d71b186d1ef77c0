import { Command, Option } from 'commander';
import { JOB_CLASSES, type Job } from '../../domain/job';
import type { CommandContext } from '../context';
import { escapeTerminalDeep } from '../format/escape';
import { historyText, jobDetail, jobsTable } from '../format/jobs';
import { arrayDetail, countsText, isArray } from '../format/arrays';
import { withHelp } from '../help';
import { addCommonOptions, addWaitOptions, type CommonOptions, jobState, mergedOptions, positiveInt,
  positiveSeconds } from '../options';
import { jobView } from '../view';
import { followWithProgress, waitForJob } from '../waitForJob';

const H = '-H svmsched@server=localhost';

interface StatusOptions extends CommonOptions { wait?: boolean; interval?: number }

export function statusCommand(ctx: CommandContext): Command {
  const cmd = addWaitOptions(addCommonOptions(new Command('status')))
    .description('show one job: state, host, resources, and why it waits')
    .argument('<job>', 'job id, as submit printed it')
    .action(async (jobId: string, _opts, self: Command) => {
      const opts = mergedOptions<StatusOptions>(self);
      const api = ctx.api(opts);
      const job = await api.getJob(jobId);
      if (opts.wait) return void (await waitForJob(ctx, api, job, opts));
      if (opts.json) return ctx.printJson(jobView(job));
      if (isArray(job)) return ctx.print(arrayDetail(job, ctx.io.now(), ctx.paint));
      ctx.print(jobDetail(job, ctx.io.now(), ctx.paint));
    });
  return withHelp(cmd, [`$ svmschedclient ${H} status JOB`, '$ svmschedclient status JOB --wait', '$ svmschedclient status JOB --json']);
}

interface ListOptions extends CommonOptions {
  state?: Job['state'];
  class?: Job['class'];
  service?: string;
  limit?: number;
  all?: boolean;
  elements?: boolean;
}

const DEFAULT_LIST_LIMIT = 50;

export function listCommand(ctx: CommandContext): Command {
  const cmd = addCommonOptions(new Command('list'))
    .description('list your jobs, newest first, as a table')
    .option('--state <state>', 'only jobs in this state (QUEUED, RUNNING, COMPLETED, …)', jobState)
    .addOption(new Option('--class <class>', 'only prod or beff jobs').choices(JOB_CLASSES))
    .option('--service <service>', 'only jobs of this service')
    .option('--limit <n>', `at most this many jobs (default ${DEFAULT_LIST_LIMIT})`, positiveInt)
    .option('--all', 'every job, page after page')
    .option('--elements', 'each element of an array as a row (by default an array is one row)')
    .action(async (_opts, self: Command) => {
      const opts = mergedOptions<ListOptions>(self);
      const api = ctx.api(opts);
      const limit = opts.all ? Infinity : (opts.limit ?? DEFAULT_LIST_LIMIT);
      const jobs: Job[] = [];
      let cursor: string | undefined;
      do {
        const page = await api.listJobs({
          state: opts.state, class: opts.class, service: opts.service, cursor, ...(opts.elements && { elements: true }),
          limit: Number.isFinite(limit) ? Math.min(100, limit - jobs.length) : 100,
        });
        jobs.push(...page.jobs);
        cursor = page.cursor;
      } while (cursor && jobs.length < limit);
      const shown = jobs.slice(0, limit);
      if (opts.json) return ctx.printJson(shown.map(jobView));
      ctx.print(jobsTable(shown, ctx.io.now(), ctx.paint));
      if (cursor) ctx.print(`(more jobs: --limit ${shown.length * 2} or --all)\n`);
    });
  return withHelp(cmd, [
    `$ svmschedclient ${H} list`, '$ svmschedclient list --state RUNNING --class beff',
    '$ svmschedclient list --service example-service1 --json',
  ]);
}

export function cancelCommand(ctx: CommandContext): Command {
  const cmd = addCommonOptions(new Command('cancel'))
    .description('cancel a job: a waiting job never starts, a running one has its VM ended')
    .argument('<job>', 'job id')
    .action(async (jobId: string, _opts, self: Command) => {
      const opts = mergedOptions<CommonOptions>(self);
      const job = await ctx.api(opts).cancelJob(jobId);
      if (opts.json) return ctx.printJson(jobView(job));
      const shown = escapeTerminalDeep(job);
      if (isArray(shown)) return ctx.print(`Array ${shown.id}: cancelled; its elements: ${countsText(shown)}\n`);
      ctx.print(`Job ${shown.id}: cancel requested, now ${shown.state}\n`);
    });
  return withHelp(cmd, [`$ svmschedclient ${H} cancel JOB`, '$ svmschedclient cancel JOB --json']);
}

interface LogsOptions extends CommonOptions { follow?: boolean; interval?: number }

export function logsCommand(ctx: CommandContext): Command {
  const cmd = addCommonOptions(new Command('logs'))
    .description('a job\'s history: every state change, where, and why; while it waits, why it waits')
    .argument('<job>', 'job id')
    .option('-f, --follow', 'keep printing new events until the job ends')
    .option('--interval <seconds>', 'with --follow: seconds between two looks (default 1)', positiveSeconds)
    .action(async (jobId: string, _opts, self: Command) => {
      const opts = mergedOptions<LogsOptions>(self);
      const api = ctx.api(opts);
      let job = await api.getJob(jobId);
      if (opts.follow) job = await followWithProgress(ctx, api, job, { ...opts, lines: true });
      if (opts.json) return ctx.printJson(jobView(job));
      if (!opts.follow) ctx.print(historyText(job, ctx.paint));
    });
  return withHelp(cmd, [`$ svmschedclient ${H} logs JOB`, '$ svmschedclient logs JOB --follow']);
}
