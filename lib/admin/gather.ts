/**
 * The preflight's facts (lib/admin/preflight.ts decides on them): a few read-only XML-RPC
 * calls to OpenNebula with the configuration's credentials, and a look at the callback URL
 * from this machine. Every fact is gathered on its own: one refused call leaves the others.
 */
import { lookup } from 'node:dns/promises';
import type { SvmschedConfig } from '../config/types';
import { XmlRpcOneClient } from '../one/client';
import { resolveOneConnection, type OneConnection } from '../one/config';
import { child } from '../one/xml';
import type { CheckFacts, Got } from './preflight';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * As the functions connect (lib/app cloudFrom): ONE_XMLRPC over the file's endpoint; the ONE_AUTH
 * file, else the configuration's user with SVMSCHED_ONE_PASSWORD. With neither, ~/.one/one_auth,
 * as the one* commands.
 */
export function connectionFor(config: SvmschedConfig, env: Env): OneConnection {
  const endpoint = env.ONE_XMLRPC || config.opennebula.endpoint;
  if (env.ONE_AUTH || config.opennebula.password === undefined) return resolveOneConnection({ endpoint }, env as NodeJS.ProcessEnv);
  return resolveOneConnection({ endpoint, user: config.opennebula.user, password: config.opennebula.password }, env as NodeJS.ProcessEnv);
}

async function got<T>(work: () => Promise<T>): Promise<Got<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

export interface GatherOptions {
  /** Per call, ms (default 10 s). */
  readonly timeoutMs?: number;
}

export async function gatherFacts(config: SvmschedConfig, conn: OneConnection, callbackUrl: string, o: GatherOptions = {}): Promise<CheckFacts> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  // One attempt per call: the preflight reports what it finds, it does not wait out an outage.
  const one = new XmlRpcOneClient({ endpoint: conn.endpoint, session: conn.session, timeoutMs, retries: 0 });
  try {
    const version = await got(() => one.systemVersion());
    const skipped = <T>(): Promise<Got<T>> => Promise.resolve({ ok: false, error: 'not asked: OpenNebula did not answer' });
    const [hosts, images, vnets, datastores, oneGate] = version.ok
      ? await Promise.all([
        got(async () => (await one.hostPoolInfo()).map((h) => ({ id: h.id, name: h.name, state: h.state }))),
        got(() => one.imagePoolInfo()),
        got(async () => (await one.vnetPoolInfo()).map((v) => ({ id: v.id, name: v.name }))),
        // DATASTORE/STATE: 0 READY, 1 DISABLED.
        got(async () => (await one.datastorePoolInfo()).map((d) => ({ id: d.id, name: d.name, type: d.type, enabled: child(d.xml, 'STATE')?.text.trim() !== '1' }))),
        got(async () => child(await one.systemConfig(), 'ONEGATE_ENDPOINT')?.text.trim() ?? ''),
      ])
      : await Promise.all([skipped<never>(), skipped<never>(), skipped<never>(), skipped<never>(), skipped<never>()]);
    return { endpoint: conn.endpoint, user: conn.user, version, hosts, images, vnets, datastores, oneGate, callback: await callback(callbackUrl, timeoutMs) };
  } finally {
    one.close();
  }
}

/** Whether the callback URL resolves and answers from here: any HTTP answer counts (the API asks for a token). */
async function callback(url: string, timeoutMs: number): Promise<CheckFacts['callback']> {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    const error = 'not a URL';
    return { url, address: { ok: false, error }, status: { ok: false, error } };
  }
  const address = await got(async () => (await lookup(host)).address);
  const status = address.ok
    ? await got(async () => {
      try {
        return (await fetch(url, { method: 'GET', signal: AbortSignal.timeout(timeoutMs) })).status;
      } catch (err) {
        // fetch says only "fetch failed"; its cause names the trouble (ECONNREFUSED, a timeout...).
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw new Error(cause?.code ?? cause?.message ?? (err as Error).message);
      }
    })
    : { ok: false as const, error: 'not resolved' };
  return { url, address, status };
}
