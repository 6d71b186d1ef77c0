import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface OfflineOptions {
  readonly stage: string;
  readonly httpPort: number;
  readonly lambdaPort: number;
  readonly env: Record<string, string>;
  /** Where serverless-offline's own output goes (it is chatty); default: discarded unless SVMSCHED_OFFLINE_LOG=1. */
  readonly log?: (line: string) => void;
}

export interface Offline {
  readonly url: string;
  readonly lambdaEndpoint: string;
  /** The serverless-offline process (its Lambda workers run inside it): for resource figures. */
  readonly pid: number;
  stop(): Promise<void>;
}

async function waitUntilUp(url: string, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`serverless-offline exited (${child.exitCode}):\n${output()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  throw new Error(`serverless-offline did not answer on ${url} within ${timeoutMs} ms:\n${output()}`);
}

/**
 * Where serverless-offline's output goes: to `log` line by line when given, else to `stderr` as
 * it comes when SVMSCHED_OFFLINE_LOG=1, else nowhere.
 */
export function offlineOutput(log: ((line: string) => void) | undefined, env: Readonly<Record<string, string | undefined>>,
  stderr: { write(text: string): unknown }): (text: string) => void {
  if (log) {
    // A chunk of a pipe may end in the middle of a line: the rest waits for the next chunk.
    let partial = '';
    return (text) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop()!;
      for (const line of lines) if (line.trim()) log(line);
    };
  }
  if (env.SVMSCHED_OFFLINE_LOG === '1') return (text) => void stderr.write(text);
  return () => {};
}

/** Runs `serverless offline` (osls + serverless-offline + serverless-esbuild) from this repository's serverless.yml. */
export async function startOffline(o: OfflineOptions): Promise<Offline> {
  // serverless-offline does not catch a failing asynchronous (Event) invocation: without this, one
  // tick that throws would end the whole local stack (a real Lambda just records the failure).
  // exitWithParent.mjs ends it when this process ends, however it ends (its stdin is our pipe).
  const child = spawn(process.execPath, ['--unhandled-rejections=warn', '--import', pathToFileURL(path.join(root, 'local/exitWithParent.mjs')).href,
    path.join(root, 'node_modules/serverless/bin/serverless.js'), 'offline', 'start', '--stage', o.stage], {
    cwd: root,
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
      AWS_REGION: process.env.AWS_REGION ?? 'eu-west-1',
      SLS_TELEMETRY_DISABLED: '1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      SLS_NOTIFICATIONS_MODE: 'off',
      SVMSCHED_HTTP_PORT: String(o.httpPort),
      SVMSCHED_LAMBDA_PORT: String(o.lambdaPort),
      // Anyone on this machine can send the Lambda port an event with a forged authorizer
      // context: the handlers take only contexts the authorizer sealed with this (lib/http/contextSeal.ts).
      SVMSCHED_CONTEXT_SECRET: randomBytes(32).toString('hex'),
      ...o.env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let tail = '';
  // One sink per stream, so that a line cut between two chunks of one is not joined to the other's.
  const onData = (show: (text: string) => void) => (buf: Buffer) => {
    const text = buf.toString();
    tail = (tail + text).slice(-8000);
    show(text);
  };
  child.stdout!.on('data', onData(offlineOutput(o.log, process.env, process.stderr)));
  child.stderr!.on('data', onData(offlineOutput(o.log, process.env, process.stderr)));
  const url = `http://127.0.0.1:${o.httpPort}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* already gone */ }
    const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitUntilUp(`${url}/services`, child, 120_000, () => tail);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, lambdaEndpoint: `http://127.0.0.1:${o.lambdaPort}`, pid: child.pid!, stop };
}
