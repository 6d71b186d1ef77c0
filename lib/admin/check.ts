/**
 * svmsched-admin check: the preflight against the configured OpenNebula, as a table (or JSON).
 * Failures block (exit code ADMIN_EXIT.blocked); warnings are printed and pass.
 */
import type { SvmschedConfig } from '../config';
import { adminConfig } from './config';
import { OneAuthMissingError } from '../one/errors';
import { escapeTerminalDeep } from '../cli/format/escape';
import { renderTable } from '../cli/format/table';
import { CloudUnavailableError } from './errors';
import { connectionFor, gatherFacts } from './gather';
import { preflight, type Check, type CheckFacts } from './preflight';

type Env = Readonly<Record<string, string | undefined>>;

export interface CheckReport {
  readonly endpoint: string;
  readonly checks: readonly Check[];
}

export async function checkCommand(o: { config?: string }, env: Env): Promise<CheckReport> {
  const config = await adminConfig(o.config, env);
  return runPreflight(config, env);
}

/** The preflight for a loaded configuration (also what `npm start` runs against a real cloud). */
export async function runPreflight(config: SvmschedConfig, env: Env): Promise<CheckReport & { facts: CheckFacts }> {
  let conn;
  try {
    conn = connectionFor(config, env);
  } catch (err) {
    if (err instanceof OneAuthMissingError) throw new CloudUnavailableError(`OpenNebula credentials: ${err.message}`, { cause: err });
    throw err;
  }
  const facts = await gatherFacts(config, conn, env.SVMSCHED_CALLBACK_URL || config.callbackBaseUrl);
  return { endpoint: conn.endpoint, checks: preflight(config, facts), facts };
}

const MARK = { ok: 'ok', warn: 'WARN', fail: 'FAIL' } as const;

/** One line per check; the fix under it, indented, so a long one stays readable. */
export function formatChecks(raw: readonly Check[]): string {
  // Names and errors come from OpenNebula and the network: escaped before they reach the terminal.
  const checks = escapeTerminalDeep(raw);
  const rows = checks.flatMap((c) => [[MARK[c.status], c.check, c.detail], ...(c.fix ? [['', '', `fix: ${c.fix}`]] : [])]);
  return renderTable(['', 'CHECK', 'RESULT'], rows);
}
