import { Command, InvalidArgumentError, Option } from 'commander';
import { JOB_CLASSES, JOB_STATES, type JobClass, type JobState } from '../domain/job';

/** Options every command takes: where the server is, who we are, how to print. */
export interface CommonOptions {
  server?: string;
  token?: string;
  json?: boolean;
  timeout?: number;
}

export interface SubmitOptions extends CommonOptions {
  service?: string;
  args?: string[];
  vcpu?: number;
  memory?: number;
  type?: JobClass;
  priority?: number;
  lifetime?: number;
  estimate?: number;
  requirements?: string;
  waitForHost?: boolean;
  count?: number;
  array?: string;
  concurrency?: number;
  after?: { job: string; condition: 'ok' | 'notok' | 'any' }[];
  idempotencyKey?: string;
  wait?: boolean;
  interval?: number;
  quiet?: boolean;
}

export function positiveInt(value: string): number {
  if (!/^\+?\d+$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError('Must be a whole number of at least 1.');
  return Number(value);
}

export function integer(value: string): number {
  if (!/^[+-]?\d+$/.test(value.trim())) throw new InvalidArgumentError('Must be a whole number.');
  return Number(value);
}

export function positiveSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('Must be a number of seconds above 0.');
  return n;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds, as SVMSched's `-a 7200`, or with a unit: 90m, 2h, 1d. */
export function duration(value: string): number {
  const match = /^(\d+)\s*([smhd]?)$/i.exec(value.trim());
  if (!match || Number(match[1]) < 1) throw new InvalidArgumentError('Must be seconds (7200) or a duration like 90m, 2h, 1d.');
  return Number(match[1]) * UNIT_SECONDS[(match[2] || 's').toLowerCase()];
}

export function jobState(value: string): JobState {
  const state = value.trim().toUpperCase();
  if (!(JOB_STATES as readonly string[]).includes(state)) {
    throw new InvalidArgumentError(`Must be one of ${JOB_STATES.join(', ')}.`);
  }
  return state as JobState;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** --after JOB[:ok|notok|any], repeatable. */
export function after(value: string, previous: { job: string; condition: 'ok' | 'notok' | 'any' }[] | undefined) {
  const m = /^([^:\s]+)(?::(ok|notok|any))?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError('Must be a job id, optionally followed by :ok, :notok or :any.');
  return [...(previous ?? []), { job: m[1]!, condition: (m[2] ?? 'ok') as 'ok' | 'notok' | 'any' }];
}

export function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('-H, --server <server>', 'svmsched server: svmsched@server=HOST[:PORT], http(s)://HOST[:PORT][/path] or HOST[:PORT] (port 3000)')
    .option('--token <token>', 'API token (else $SVMSCHED_TOKEN, ~/.svmsched/config.json, or the local stack\'s)')
    .option('--json', 'print JSON for scripts instead of text')
    .option('--timeout <seconds>', 'give up on an HTTP request after this long (default 15)', positiveSeconds);
}

export function addWaitOptions(cmd: Command): Command {
  return cmd
    .option('-w, --wait', 'follow the job to its end with live progress; exit 0 only if it COMPLETED (or a session reached its lifetime)')
    .option('--interval <seconds>', 'with --wait: seconds between two looks at the job (default 1)', positiveSeconds);
}

export function addSubmitOptions(cmd: Command): Command {
  return addWaitOptions(cmd
    .option('-r, --service <service>', 'service to run, as the server lists it (svmschedclient services)')
    .option('-a, --args <arg>', 'an argument for the service: input file, or seconds for a training VM; repeat for several', collect)
    .option('--vcpu <n>', 'virtual CPUs (default: the service\'s)', positiveInt)
    .option('--memory <MB>', 'memory in MB (default: the service\'s)', positiveInt)
    .addOption(new Option('-t, --type <class>', 'prod: prioritised, never preempted; beff: best effort, preemptible')
      .choices(JOB_CLASSES))
    .option('--priority <n>', 'order within the class, higher first', integer)
    .option('--lifetime <duration>', 'end the VM after this running time: seconds, or 90m, 2h, 1d', duration)
    .option('--estimate <duration>', 'how long it is expected to run (seconds, or 90m, 2h, 1d): lets the scheduler plan around it; it does not end the VM', duration)
    .option('--requirements <expr>', 'extra host requirements, OpenNebula syntax, e.g. \'HYPERVISOR = "kvm"\'')
    .option('--wait-for-host', 'accept the job although no host of the cloud could run it (one is to be added): it waits')
    .option('--count <n>', 'an array of n jobs (indexes 0 to n-1, SVMSCHED_ARRAY_INDEX in each one\'s environment): one id for all', positiveInt)
    .option('--array <range>', 'an array of the indexes START-END[:STEP], at most %LIMIT running at a time, e.g. 0-24%5')
    .option('--concurrency <n>', 'with --count: at most n of its jobs unfinished at a time', positiveInt)
    .option('--after <job[:ok|notok|any]>', 'start only once that job (or every element of that array) ended well (ok, the default), unsuccessfully (notok) or at all (any); repeat for several', after)
    .option('--idempotency-key <key>', 'submitting twice with the same key makes one job (default: a fresh key, reused on retries)')
    .option('-q, --quiet', 'print only the job id'));
}

/** Root options first, then the command's own: the same flag may be given before or after the command name. */
export function mergedOptions<T extends object>(cmd: Command): T {
  const merged: Record<string, unknown> = {};
  for (const c of [...ancestors(cmd)].reverse()) {
    for (const [key, value] of Object.entries(c.opts())) if (value !== undefined) merged[key] = value;
  }
  return merged as T;
}

function* ancestors(cmd: Command): Generator<Command> {
  for (let c: Command | null = cmd; c; c = c.parent) yield c;
}
