/**
 * `npm start`: brings up the local stack (DynamoDB Local, the OpenNebula simulator,
 * serverless-offline on port 3000), runs the main job on the built-in defaults so you see a
 * real result, then keeps everything up until Ctrl-C, when it stops all it started.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startStack, writeLocalToken, ROOT } from './stack';
import { isFinal, type JobState } from '../lib/jobs/model';

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

async function followJob(url: string, token: string, id: string): Promise<{ state: JobState; reason?: string }> {
  let last = '';
  for (;;) {
    const res = await fetch(`${url}/jobs/${id}`, { headers: { authorization: `Bearer ${token}` } });
    const job = (await res.json()) as { state: JobState; hostName?: string; reason?: string };
    const line = `  job ${id}: ${job.state}${job.hostName ? ` on ${job.hostName}` : ''}`;
    if (line !== last) console.log((last = line));
    if (isFinal(job.state)) return job;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function main() {
  console.log('svmsched local stack: starting DynamoDB Local, the OpenNebula simulator and serverless-offline...');
  const stack = await startStack({
    httpPort: port('SVMSCHED_HTTP_PORT', 3000),
    lambdaPort: port('SVMSCHED_LAMBDA_PORT', 3002),
    simPort: port('SVMSCHED_SIM_PORT', 2633),
    dynamoPort: port('SVMSCHED_DYNAMO_PORT', 8000),
    stage: 'local',
    sim: { timing: { prolog: 500, boot: 1000, epilog: 500, shutdown: 500, save: 500, migrate: 500 } },
  });
  const tokenFile = await writeLocalToken(stack.adminToken, stack.url);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping the local stack...');
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  console.log(`
  API (serverless-offline)   ${stack.url}
  OpenNebula simulator       ${stack.sim.url}   (oneadmin:opennebula)
  DynamoDB Local             ${stack.dynamoEndpoint}
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
  const end = await followJob(stack.url, stack.adminToken, job.id);
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
