import { randomUUID } from 'node:crypto';
import { Command } from 'commander';
import type { Job } from '../../domain/job';
import type { SubmitRequest, SvmschedApi } from '../api';
import type { CommandContext } from '../context';
import { CliError, ServerError, ServerUnreachableError, UsageError } from '../errors';
import { escapeTerminalDeep } from '../format/escape';
import { formatMb } from '../format/text';
import { SVMSCHED_EXAMPLES, withHelp } from '../help';
import { addCommonOptions, addSubmitOptions, mergedOptions, type SubmitOptions } from '../options';
import { jobView } from '../view';
import { waitForJob } from '../waitForJob';

export const SUBMIT_EXAMPLES: readonly string[] = [
  ...SVMSCHED_EXAMPLES.data, ...SVMSCHED_EXAMPLES.training, ...SVMSCHED_EXAMPLES.prod, ...SVMSCHED_EXAMPLES.beff,
  '$ svmschedclient submit -r example-service1 -a in.dat -a out.dat --lifetime 2h --priority 5 --json',
];

/** Retries of a submit whose answer was lost: the idempotency key makes them one job. */
const SUBMIT_ATTEMPTS = 3;

export function submitCommand(ctx: CommandContext): Command {
  const cmd = addSubmitOptions(addCommonOptions(new Command('submit')))
    .description('run a service on a VM built for the job (the default command when -r is given)')
    .action(async (_opts, self: Command) => runSubmit(ctx, mergedOptions<SubmitOptions>(self)));
  return withHelp(cmd, SUBMIT_EXAMPLES);
}

export async function runSubmit(ctx: CommandContext, opts: SubmitOptions): Promise<void> {
  if (!opts.service) throw new UsageError('submit.no_service', 'missing -r/--service: which service to run (see svmschedclient services)');
  const request: SubmitRequest = {
    service: opts.service,
    ...(opts.vcpu !== undefined && { vcpu: opts.vcpu }),
    ...(opts.memory !== undefined && { memory: opts.memory }),
    ...(opts.args && { args: opts.args }),
    ...(opts.type && { class: opts.type }),
    ...(opts.priority !== undefined && { priority: opts.priority }),
    ...(opts.lifetime !== undefined && { lifetime: opts.lifetime }),
    ...(opts.estimate !== undefined && { runtimeEstimate: opts.estimate }),
    ...(opts.requirements !== undefined && { requirements: opts.requirements }),
    ...(opts.waitForHost && { waitForHost: true }),
    ...(opts.count !== undefined && { count: opts.count }),
    ...(opts.array !== undefined && { array: opts.array }),
    ...(opts.concurrency !== undefined && { concurrency: opts.concurrency }),
    ...(opts.after && { dependsOn: opts.after }),
  };
  const api = ctx.api(opts);
  const job = await submitWithRetry(ctx, api, request, opts.idempotencyKey ?? randomUUID());
  const shown = escapeTerminalDeep(job);

  const what = job.array ? `array of ${job.array.size} jobs` : 'job';
  if (opts.wait) {
    if (!opts.json && !opts.quiet) ctx.print(`Submitted ${what} ${shown.id}\n`);
    await waitForJob(ctx, api, job, opts);
    return;
  }
  if (opts.json) return ctx.printJson(jobView(job));
  if (opts.quiet) return ctx.print(`${shown.id}\n`);
  ctx.print(`Submitted ${what} ${shown.id}: ${shown.service} (${shown.class}, ${shown.vcpu} vCPU, ${formatMb(shown.memory)}), ${shown.state}\n`
    + `Follow it with: svmschedclient status ${shown.id} --wait\n`);
}

async function submitWithRetry(ctx: CommandContext, api: SvmschedApi, request: SubmitRequest, key: string): Promise<Job> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await api.submit(request, key);
    } catch (err) {
      if (attempt >= SUBMIT_ATTEMPTS || !answerMayBeLost(err)) throw err;
      await ctx.io.sleep(500 * attempt, ctx.io.signal);
      if (ctx.io.signal?.aborted) throw err;
    }
  }
}

/** A timeout, a reset or a 5xx may hide a job that was made; a refused connection cannot. */
const answerMayBeLost = (err: unknown): boolean =>
  err instanceof ServerError
  || (err instanceof ServerUnreachableError && !/refused|not found/.test((err as CliError).message));
