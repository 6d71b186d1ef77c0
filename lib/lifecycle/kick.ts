/**
 * A kick asks for a tick soon (after a submit, a cancel, a completion). Kicks are coalesced
 * on the tick's lease item (lib/store/kick.ts): a kick while a tick runs, or while one asked
 * for has not started yet, costs one DynamoDB write and no invocation; the running tick does
 * one more round for it before it lets go of its lease.
 */
import type { KickStore } from './ports';
import { TICK_LEASE } from './tick';
import { logger } from '../log';

/**
 * How long a requested tick may take to start before a kick asks again: an invocation that
 * was lost (refused, or a tick that died before taking its lease) costs this much at most.
 */
export const KICK_COALESCE_MS = 10_000;

export interface KickDeps {
  readonly kicks: KickStore;
  /** Starts a tick (an asynchronous Lambda invoke in AWS and on the local stack). */
  readonly invoke: () => Promise<void>;
  readonly clock: () => number;
  readonly coalesceMs?: number;
}

/** The kick the job service calls: never throws (the scheduled tick runs anyway); true when it started a tick. */
export async function kickTick(deps: KickDeps): Promise<boolean> {
  try {
    if (!(await deps.kicks.kick(TICK_LEASE, deps.clock(), deps.coalesceMs ?? KICK_COALESCE_MS))) return false;
    await deps.invoke();
    return true;
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'early tick not started; the scheduled one will run');
    return false;
  }
}
