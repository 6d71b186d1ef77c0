/**
 * `npm start`: brings up the local stack (DynamoDB Local, the OpenNebula simulator,
 * serverless-offline on port 3000), runs the main job on the built-in defaults so you see a
 * real result, then keeps everything up until Ctrl-C, when it stops all it started.
 *
 * Jobs and tokens persist in .local-data/dynamodb (SVMSCHED_STATE_DIR moves .local-data):
 * a restart finds them, and the tokens it printed stay the same. `npm start -- --fresh`
 * starts empty. The OpenNebula simulator starts empty every time: jobs that were running find
 * their VMs gone, as after a cloud reset.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startStack, writeLocalToken, ROOT, type StackTokens } from './stack';
import { endLeftovers, processTree, recordProcesses } from './leftovers';
import { isFinal, type JobState } from '../lib/domain/job';

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

async function followJob(url: string, token: string, id: string): Promise<{ state: JobState; reason?: string }> {
  let last = '';
  for (;;) {
    const res = await fetch(`${url}/jobs/${id}`, { headers: { authorization: `Bearer ${token}` } });
    // An answer without a job would otherwise be followed for ever.
    if (!res.ok) return { state: 'FAILED', reason: `the API answered ${res.status}: ${await res.text()}` };
    const job = (await res.json()) as { state: JobState; hostName?: string; reason?: string };
    const line = `  job ${id}: ${job.state}${job.hostName ? ` on ${job.hostName}` : ''}`;
    if (line !== last) console.log((last = line));
    if (isFinal(job.state)) return job;
    await new Promise((r) => setTimeout(r, 500));
  }
}

const USAGE = 'usage: npm start [-- --fresh]   (--fresh: start with no jobs and new tokens)';

async function readTokens(file: string): Promise<Partial<StackTokens> | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Partial<StackTokens>;
  } catch {
    return undefined;
  }
}

async function main() {
  const args = process.argv.slice(2);
  const unknown = args.find((a) => a !== '--fresh');
  if (unknown !== undefined) throw new Error(`unknown option ${unknown}\n${USAGE}`);
  const fresh = args.includes('--fresh');
  const stateDir = path.resolve(process.env.SVMSCHED_STATE_DIR ?? path.join(ROOT, '.local-data'));
  const dataDir = path.join(stateDir, 'dynamodb');
  const runFile = path.join(stateDir, 'run.json');
  const tokensFile = path.join(stateDir, 'stack-tokens.json');
  await mkdir(stateDir, { recursive: true });

  // A stack whose start process died without stopping it would hold the ports.
  const ended = await endLeftovers(runFile);
  if (ended.length > 0) console.log(`svmsched: ended ${ended.length} process(es) of an earlier local stack still running (${ended.join(', ')})`);
  if (fresh) await rm(dataDir, { recursive: true, force: true });

  console.log('svmsched local stack: starting DynamoDB Local, the OpenNebula simulator and serverless-offline...');
  const stack = await startStack({
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
  const { adminToken, userToken, otherUserToken } = stack;
  await writeFile(tokensFile, `${JSON.stringify({ adminToken, userToken, otherUserToken })}\n`, { mode: 0o600 });
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

  console.log(`
  API (serverless-offline)   ${stack.url}
  OpenNebula simulator       ${stack.sim.url}   (oneadmin:opennebula)
  DynamoDB Local             ${stack.dynamoEndpoint}   (data in ${path.relative(ROOT, dataDir) || dataDir}; npm start -- --fresh starts empty)
  configuration              ${path.relative(ROOT, stack.configPath)}
  data repository            ${path.relative(ROOT, stack.repositoryDir) || stack.repositoryDir}  (mounted as /data/repository)
  local admin token          ${stack.adminToken}
                             (saved in ${path.relative(ROOT, tokenFile)}: npx svmschedclient finds it by itself)
`);
  console.log('Running the main job: example-service1 on /data/repository/file.dat (2 vCPUs, 1024 MB)...');
  const res = await fetch(`${stack.url}/jobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ service: 'example-service1', vcpu: 2, memory: 1024, args: ['/data/repository/file.dat'] }),
  });
  const job = (await res.json()) as { id: string };
  const end = res.ok ? await followJob(stack.url, stack.adminToken, job.id)
    : { state: 'FAILED', reason: `not submitted: the API answered ${res.status}: ${JSON.stringify(job)}` };
  if (end.state === 'COMPLETED') {
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
