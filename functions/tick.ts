import type { Context } from 'aws-lambda';
import { app } from '../lib/app';
import { logger } from '../lib/log';

/** Scheduled every minute, and invoked early (asynchronously) after a submit, a cancel or a completion. */
export const handler = async (_event: unknown, context: Context) => {
  const { tick } = await app();
  const report = await tick(context.awsRequestId ?? `tick-${Date.now()}`, Math.max(5_000, (context.getRemainingTimeInMillis?.() ?? 60_000) - 10_000));
  logger.info({ ...report }, 'tick');
  return report;
};
