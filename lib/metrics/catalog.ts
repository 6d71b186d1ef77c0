/**
 * Every metric svmsched reports, once: its name (Prometheus practice: one unit in the name,
 * counters end in _total), what it means, its labels (few values each, never an id) and, for a
 * histogram, its buckets. GET /metrics (./exposition.ts) and CloudWatch (./emf.ts) both read it.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricDef {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly labels: readonly string[];
  /** Upper bounds of a histogram's buckets (+Inf is added). */
  readonly buckets?: readonly number[];
  /** CloudWatch's unit for it. */
  readonly unit: 'Count' | 'Seconds';
}

const JOB = ['class', 'tenant', 'service'] as const;
/** Seconds: a job waits seconds to days; a tick and a plan take milliseconds to a minute. */
const WAIT_BUCKETS = [1, 5, 15, 30, 60, 300, 900, 3600, 14400, 86400];
const RUN_BUCKETS = [10, 60, 300, 900, 3600, 14400, 86400, 604800];
const TICK_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const PLAN_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export const METRICS = {
  jobs: { name: 'svmsched_jobs', type: 'gauge', unit: 'Count', labels: ['state', ...JOB], help: 'Unfinished jobs now, by state (from the queue index).' },
  jobsSubmitted: { name: 'svmsched_jobs_submitted_total', type: 'counter', unit: 'Count', labels: [...JOB], help: 'Jobs accepted by POST /jobs.' },
  jobsFinished: { name: 'svmsched_jobs_finished_total', type: 'counter', unit: 'Count', labels: ['state', ...JOB], help: 'Jobs that reached a final state (COMPLETED, FAILED, CANCELLED, EXPIRED).' },
  queueWait: { name: 'svmsched_job_queue_wait_seconds', type: 'histogram', unit: 'Seconds', labels: [...JOB], buckets: WAIT_BUCKETS, help: 'Time from submit to first dispatch.' },
  runTime: { name: 'svmsched_job_run_seconds', type: 'histogram', unit: 'Seconds', labels: ['state', ...JOB], buckets: RUN_BUCKETS, help: 'Running time of jobs that ended after running, by final state (time preempted not counted).' },
  ticks: { name: 'svmsched_ticks_total', type: 'counter', unit: 'Count', labels: ['outcome'], help: 'Ticks run (ran), skipped because another held the lease (skipped), or failed.' },
  tickDuration: { name: 'svmsched_tick_duration_seconds', type: 'histogram', unit: 'Seconds', labels: [], buckets: TICK_BUCKETS, help: 'Duration of a tick that held the lease, all its rounds.' },
  planDuration: { name: 'svmsched_plan_duration_seconds', type: 'histogram', unit: 'Seconds', labels: [], buckets: PLAN_BUCKETS, help: 'Duration of one plan() (one per tick round).' },
  preemptions: { name: 'svmsched_preemptions_total', type: 'counter', unit: 'Count', labels: [...JOB, 'mode'], help: 'Jobs preempted (RUNNING to PREEMPTING), by the preempted job.' },
  resumes: { name: 'svmsched_resumes_total', type: 'counter', unit: 'Count', labels: [...JOB], help: 'Preempted jobs resumed (PREEMPTED to RESUMING).' },
  reclaims: { name: 'svmsched_reclaims_total', type: 'counter', unit: 'Count', labels: ['tenant'], help: 'Preemptions that reclaimed capacity a tenant had borrowed, by the tenant that lent it back.' },
  deployFailures: { name: 'svmsched_deploy_failures_total', type: 'counter', unit: 'Count', labels: ['service'], help: 'Deploys or boots that failed (OpenNebula refused, or the VM failed on its host).' },
  xmlrpcCalls: { name: 'svmsched_xmlrpc_calls_total', type: 'counter', unit: 'Count', labels: ['method'], help: 'XML-RPC calls to OpenNebula (each retry counts).' },
  xmlrpcErrors: { name: 'svmsched_xmlrpc_errors_total', type: 'counter', unit: 'Count', labels: ['method'], help: 'XML-RPC calls that failed: no answer, or OpenNebula answered with an error.' },
  dynamoRead: { name: 'svmsched_dynamodb_read_capacity_units_total', type: 'counter', unit: 'Count', labels: ['operation'], help: 'DynamoDB read capacity consumed, as DynamoDB reports it (the tick, the optimiser and the writing API).' },
  dynamoWrite: { name: 'svmsched_dynamodb_write_capacity_units_total', type: 'counter', unit: 'Count', labels: ['operation'], help: 'DynamoDB write capacity consumed, as DynamoDB reports it (the tick, the optimiser and the writing API).' },
} as const satisfies Record<string, MetricDef>;

export type MetricKey = keyof typeof METRICS;
