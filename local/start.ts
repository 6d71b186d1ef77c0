/**
 * `npm start`: brings up the local stack (DynamoDB Local, the OpenNebula simulator,
 * serverless-offline on port 3000), runs the main job on the built-in defaults so you see a
 * real result, then keeps everything up until Ctrl-C, when it stops all it started.
 *
 * Jobs and tokens persist in .local-data/dynamodb (SVMSCHED_STATE_DIR moves .local-data):
 * a restart finds them, and the tokens it printed stay the same. `npm start -- --fresh`
 * starts empty. The OpenNebula simulator starts empty every time: jobs that were running find
 * their VMs gone, as after a cloud reset.
 *
 * Against your own OpenNebula: with ONE_XMLRPC, ONE_AUTH or `--config FILE` it starts no
 * simulator and talks to that cloud, as the one* commands would (ONE_XMLRPC over the file's
 * endpoint; the ONE_AUTH file, else SVMSCHED_ONE_PASSWORD for the file's user, else
 * ~/.one/one_auth). It runs the preflight (svmsched-admin check) first and stops if it blocks.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { homedir } from 'node:os';
import { DEFAULT_CONFIG, startStack, writeLocalToken, ROOT, type OneTarget, type StackTokens } from './stack';
import { endLeftovers, processTree, recordProcesses } from './leftovers';
import { isFinal, type JobState } from '../lib/domain/job';
import { loadConfig, type SvmschedConfig } from '../lib/config';
import { connectionFor } from '../lib/admin/gather';
import { formatChecks, runPreflight } from '../lib/admin/check';
import { blocks } from '../lib/admin/preflight';

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

async function followJob(url: string, token: string, id: string, until: (state: JobState) => boolean = isFinal): Promise<{ state: JobState; reason?: string }> {
  let last = '';
  for (;;) {
    const res = await fetch(`${url}/jobs/${id}`, { headers: { authorization: `Bearer ${token}` } });
    // An answer without a job would otherwise be followed for ever.
    if (!res.ok) return { state: 'FAILED', reason: `the API answered ${res.status}: ${await res.text()}` };
    const job = (await res.json()) as { state: JobState; hostName?: string; reason?: string };
    const line = `  job ${id}: ${job.state}${job.hostName ? ` on ${job.hostName}` : ''}`;
    if (line !== last) console.log((last = line));
    if (until(job.state)) return job;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The web console, signed in at once: the token rides in the fragment, which the browser never sends to a server. */
const consoleLink = (url: string, token: string) => `${url}/#token=${encodeURIComponent(token)}`;

const USAGE = `usage: npm start [-- [--fresh] [--config FILE]]
  --fresh        start with no jobs and new tokens
  --config FILE  svmsched configuration; with it (or ONE_XMLRPC / ONE_AUTH set) no simulator starts:
                 the stack talks to that OpenNebula`;

/** --fresh and --config FILE (or --config=FILE). */
function parseArgs(args: readonly string[]): { fresh: boolean; config?: string } {
  let fresh = false;
  let config: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--fresh') fresh = true;
    else if (a === '--config' && args[i + 1] !== undefined) config = args[++i];
    else if (a.startsWith('--config=') && a.length > '--config='.length) config = a.slice('--config='.length);
    else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  return { fresh, config };
}

/** The cloud ONE_XMLRPC / ONE_AUTH / --config name, as the functions and the one* commands resolve it; undefined: the simulator. */
async function yourCloud(configArg: string | undefined): Promise<{ cloud: OneTarget; config: SvmschedConfig; configPath: string; user: string } | undefined> {
  const env = process.env;
  if (!env.ONE_XMLRPC && !env.ONE_AUTH && configArg === undefined) return undefined;
  const configPath = path.resolve(configArg ?? DEFAULT_CONFIG);
  const config = await loadConfig(configPath, env);
  const conn = connectionFor(config, env);
  const fromFile = Boolean(env.ONE_AUTH) || config.opennebula.password === undefined;
  const file = path.resolve(env.ONE_AUTH || path.join(env.HOME || homedir(), '.one', 'one_auth'));
  return { cloud: { endpoint: conn.endpoint, auth: fromFile ? { file } : { password: config.opennebula.password! } }, config, configPath, user: conn.user };
}

async function readTokens(file: string): Promise<Partial<StackTokens> | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Partial<StackTokens>;
  } catch {
    return undefined;
  }
}

async function main() {
  const { fresh, config: configArg } = parseArgs(process.argv.slice(2));
  const yours = await yourCloud(configArg);
  const stateDir = path.resolve(process.env.SVMSCHED_STATE_DIR ?? path.join(ROOT, '.local-data'));
  const dataDir = path.join(stateDir, 'dynamodb');
  const runFile = path.join(stateDir, 'run.json');
  const tokensFile = path.join(stateDir, 'stack-tokens.json');
  await mkdir(stateDir, { recursive: true });

  // A stack whose start process died without stopping it would hold the ports.
  const ended = await endLeftovers(runFile);
  if (ended.length > 0) console.log(`svmsched: ended ${ended.length} process(es) of an earlier local stack still running (${ended.join(', ')})`);
  if (fresh) await rm(dataDir, { recursive: true, force: true });

  console.log(yours
    ? `svmsched local stack against your OpenNebula at ${yours.cloud.endpoint} as ${yours.user} (no simulator): starting DynamoDB Local and serverless-offline...`
    : 'svmsched local stack: starting DynamoDB Local, the OpenNebula simulator and serverless-offline...');
  const callbackUrl = process.env.SVMSCHED_CALLBACK_URL || undefined;
  const stack = await startStack({
    ...(yours ? { cloud: yours.cloud, configPath: yours.configPath } : {}),
    callbackUrl,
    dataDir,
    tokens: fresh ? undefined : await readTokens(tokensFile),
    httpPort: port('SVMSCHED_HTTP_PORT', 3000),
    lambdaPort: port('SVMSCHED_LAMBDA_PORT', 3002),
    simPort: port('SVMSCHED_SIM_PORT', 2633),
    dynamoPort: port('SVMSCHED_DYNAMO_PORT', 8000),
    // Another stage builds into its own folder (.esbuild-STAGE), away from a running `npm start`'s.
    stage: process.env.SVMSCHED_STAGE ?? 'local',
    sim: { timing: { prolog: 500, boot: 1000, epilog: 500, shutdown: 500, save: 500, migrate: 500 } },
  });
  await recordProcesses(runFile, processTree(process.pid));
  const { adminToken, userToken, otherUserToken, tenantTokens } = stack;
  await writeFile(tokensFile, `${JSON.stringify({ adminToken, userToken, otherUserToken, tenantTokens })}\n`, { mode: 0o600 });
  const tokenFile = await writeLocalToken(stack.adminToken, stack.url, stateDir);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping the local stack...');
    await stack.stop();
    await rm(runFile, { force: true });
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  if (yours) {
    // The preflight, with what the functions use: a failure here would fail every job.
    const env = { ...process.env, ONE_XMLRPC: yours.cloud.endpoint, SVMSCHED_CALLBACK_URL: callbackUrl ?? stack.url };
    const report = await runPreflight(yours.config, env);
    console.log(`\nPreflight of ${report.endpoint} (svmsched-admin check):\n${formatChecks(report.checks)}`);
    if (blocks(report.checks)) {
      console.error('svmsched: the preflight found what keeps jobs from running (FAIL above); fix it and start again.');
      await stack.stop();
      await rm(runFile, { force: true });
      process.exit(1);
    }
  }

  console.log(`
  API (serverless-offline)   ${stack.url}
  ${stack.sim ? `OpenNebula simulator       ${stack.sim.url}   (oneadmin:opennebula)` : `OpenNebula (yours)         ${stack.oneEndpoint}   (as ${yours!.user})`}
  DynamoDB Local             ${stack.dynamoEndpoint}   (data in ${path.relative(ROOT, dataDir) || dataDir}; npm start -- --fresh starts empty)
  configuration              ${path.relative(ROOT, stack.configPath)}
  data repository            ${stack.sim ? `${path.relative(ROOT, stack.repositoryDir) || stack.repositoryDir}  (mounted as /data/repository)` : yours!.config.repositories.map((r) => `${r.export} (mounted by the VMs as ${r.mountPoint})`).join(', ')}
  local admin token          ${stack.adminToken}
                             (saved in ${path.relative(ROOT, tokenFile)}: npx svmschedclient finds it by itself)
  web console                ${consoleLink(stack.url, stack.adminToken)}
                             (signs in as the admin; the token stays in the tab, not in the address bar)
${Object.entries(stack.tenantTokens).map(([tenant, t]) => `  tenant ${tenant.padEnd(19)} ${t.token}   (user ${t.user}: npx svmschedclient --token ${t.token} tenants)`).join('\n')}
`);
  console.log('Running the main job: example-service1 on /data/repository/file.dat (2 vCPUs, 1024 MB)...');
  const res = await fetch(`${stack.url}/jobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ service: 'example-service1', vcpu: 2, memory: 1024, args: ['/data/repository/file.dat'] }),
  });
  const job = (await res.json()) as { id: string };
  // On your cloud, followed until it runs: a cloud without real VMs (dummy drivers) runs no guest, so it would end only at its lifetime.
  const end = res.ok ? await followJob(stack.url, stack.adminToken, job.id, yours ? (s) => s === 'RUNNING' || isFinal(s) : isFinal)
    : { state: 'FAILED', reason: `not submitted: the API answered ${res.status}: ${JSON.stringify(job)}` };
  if (yours && end.state === 'RUNNING') {
    console.log(`  it runs; it completes when the service in its VM reports (with dummy drivers no guest runs: it ends at its lifetime, or cancel it: npx svmschedclient cancel ${job.id})`);
  } else if (end.state === 'COMPLETED') {
    const result = path.join(stack.repositoryDir, 'file.dat.result');
    console.log(`\nIts result, ${path.relative(ROOT, result)}:\n${await readFile(result, 'utf8').catch(() => '(missing)')}`);
  } else {
    console.log(`  ended ${end.state}: ${end.reason ?? ''}`);
  }
  console.log(`Try: npx svmschedclient --vcpu=2 --memory=1024 -r example-service1 -a /data/repository/file.dat --wait
     npx svmschedclient cluster
The stack stays up; Ctrl-C stops everything it started.`);
}

main().catch((err) => {
  console.error(`svmsched: ${(err as Error).message}`);
  process.exit(1);
});
