import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { app } from '../lib/app';
import { logger } from '../lib/log';

/**
 * Scheduled (serverless.yml: every 10 minutes, oned's DRS_INTERVAL): one optimisation run, as
 * the configuration's <optimize> mode says. A failed run is logged and left to the next one.
 */
async function main(_event: unknown, context: Context) {
  try {
    const { optimize } = await app();
    const report = await optimize(context.awsRequestId ?? `optimize-${Date.now()}`, { scheduled: true });
    const { plan, ...rest } = report;
    const summary = { ...rest, migrations: report.migrations.length, failed: report.migrations.filter((m) => m.outcome === 'failed').length, reasons: plan?.reasons };
    logger.info(summary, 'optimize');
    return summary;
  } catch (err) {
    logger.error({ err: (err as Error).message, name: (err as Error).name }, 'optimize failed; the next run tries again');
    return { failed: (err as Error).name };
  }
}

export const handler = middy(main);
