import type { Context } from 'aws-lambda';
import { app } from '../lib/app';
import { logger } from '../lib/log';

/**
 * Scheduled every minute, and invoked early (asynchronously) after a submit, a cancel or a
 * completion. A failed tick (OpenNebula unreachable, say) is logged and left to the next one:
 * every step is safe to repeat, so there is nothing to retry here.
 */
export const handler = async (event: unknown, context: Context) => {
  // Logged as it starts, so that invocations can be counted while one is still at work.
  logger.info({ source: (event as { source?: unknown } | null)?.source ?? 'unknown' }, 'tick invoked');
  try {
    const { tick } = await app();
    const report = await tick(context.awsRequestId ?? `tick-${Date.now()}`, Math.max(5_000, (context.getRemainingTimeInMillis?.() ?? 60_000) - 10_000));
    logger.info({ ...report }, 'tick');
    return report;
  } catch (err) {
    logger.error({ err: (err as Error).message, name: (err as Error).name }, 'tick failed; the next one repairs it');
    return { failed: (err as Error).name };
  }
};
