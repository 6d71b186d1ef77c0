/**
 * svmsched's job service and tick in this process, on DynamoDB Local and the simulator, with
 * every DynamoDB call counted: for tests and benchmarks of what a job and a tick cost.
 */
import { fileURLToPath } from 'node:url';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadConfig, type SvmschedConfig } from '../../lib/config';
import { openStoreWith, type TableNames } from '../../lib/store';
import { cloudFrom } from '../../lib/app';
import { JobService } from '../../lib/jobs/service';
import { runTick, type TickReport } from '../../lib/lifecycle/tick';
import { XmlRpcOneClient } from '../../lib/one/client';
import type { Job, JobState } from '../../lib/domain/job';

export interface InProcess {
  readonly config: SvmschedConfig;
  readonly jobs: JobService;
  readonly store: ReturnType<typeof openStoreWith>;
  tick(): Promise<TickReport>;
  /** The callback token the job's VM got in its CONTEXT, as the VM would send it. */
  vmToken(job: Job): Promise<string>;
}

export async function inProcess(client: DynamoDBClient, names: TableNames, simUrl: string): Promise<InProcess> {
  const env = { SVMSCHED_ONE_PASSWORD: 'opennebula', ONE_XMLRPC: simUrl };
  const config = await loadConfig(fileURLToPath(new URL('../../local/svmsched.xml', import.meta.url)), env);
  const store = openStoreWith(client, names, config);
  const { cloud } = cloudFrom(config, env);
  const clock = () => Date.now();
  const jobs = new JobService({ repo: store.jobs, config, cloud, clock, kick: async () => {}, arrays: store.arrays });
  const one = new XmlRpcOneClient({ endpoint: simUrl, session: 'oneadmin:opennebula' });
  let n = 0;
  return {
    config, jobs, store,
    tick: () => runTick({ store: store.jobs, arrays: store.arrays, leases: store.leases, cloud, config, crash: () => {}, clock, owner: `tick-${++n}` }, { budgetMs: 5_000, settleMs: 100 }),
    async vmToken(job) {
      const vm = await one.vmInfo(job.vmId!);
      const context = vm.xml!.children.find((c) => c.name === 'TEMPLATE')!.children.find((c) => c.name === 'CONTEXT')!;
      return context.children.find((c) => c.name === 'SVMSCHED_TOKEN')!.text;
    },
  };
}

/** Ticks until the job is in one of `states` (checked before each tick); fails with its history after `rounds` ticks. */
export async function tickUntil(app: InProcess, id: string, states: readonly JobState[], rounds = 30): Promise<Job> {
  for (let i = 0; i < rounds; i++) {
    const job = (await app.store.jobs.get(id))!;
    if (states.includes(job.state)) return job;
    await app.tick();
  }
  throw new Error(`job ${id} never reached ${states.join('/')}: ${JSON.stringify((await app.store.jobs.get(id))?.history)}`);
}
