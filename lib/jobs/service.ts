import { randomBytes } from 'node:crypto';
import type { Job, JobClass, JobState } from '../domain/job';
import { freshJob, isFinal } from '../domain/job';
import type { Service, SvmschedConfig } from '../config/types';
import type { Caller } from '../domain/caller';
import { compileRequirement, ExprSyntaxError } from '../sched/expr';
import type { ArrayStore, Cloud, ClusterViewStore, JobRepository } from '../lifecycle/ports';
import { ArraySpecError, countSpec, parseArraySpec } from '../domain/array';
import type { ArraySpec, Dependency, DependencyCondition } from '../domain/job';
import { isJobId } from './jobId';
import type { RetryPolicy } from '../domain/retry';
import { endVm } from '../lifecycle/execute';
import { vmPhase } from '../lifecycle/vmPhase';
import { OneUnavailableError } from '../one/errors';
import type { Vm } from '../sched/snapshot';
import { exitOutcome } from '../lifecycle/outcome';
import { addressesOf } from '../lifecycle/reconcile';
import { JobStateConflictError } from '../store/errors';
import { andRequirements } from '../lifecycle/vmTemplate';
import { TemplateValueError, writeValue } from '../one/template';
import { clusterView, type ClusterView } from './clusterView';
import { asClusterRecord, recordCluster } from '../lifecycle/clusterRecord';
import {
  CallbackTokenError, ClusterUnavailableError, CompletionNotLiveError, InvalidJobRequestError, JobAlreadyFinishedError,
  NotJobOwnerError, UnknownJobError, UserJobLimitError, VmStateUnknownError,
} from './errors';
import { neverSatisfiable } from './feasibility';
import { readCapabilities, type HostCapability } from '../lifecycle/hostCapability';
import { jobTenant } from '../config/tenancy';
import { outputTail } from './output';

/** How long a container keeps the hosts it read for submit's check: the cloud's shape changes rarely. */
const CAPABILITIES_TTL_MS = 60_000;

export interface SubmitRequest {
  readonly service: string;
  readonly vcpu?: number;
  readonly memory?: number;
  readonly args?: string[];
  readonly class?: JobClass;
  readonly priority?: number;
  readonly lifetime?: number;
  readonly runtimeEstimate?: number;
  readonly requirements?: string;
  /** Accept it although no host of the cloud could run it now (one is to be added): it waits up to the pending deadline. */
  readonly waitForHost?: boolean;
  /** An array of this many jobs (indexes 0 to count-1), or of the indexes of `array` (Slurm's 0-24%5); `concurrency` caps how many run at a time. */
  readonly count?: number;
  readonly array?: string;
  readonly concurrency?: number;
  /** Narrows its service's retry rules (lib/domain/retry.ts). */
  readonly retry?: RetryPolicy;
  /** Jobs (or arrays) it waits for; condition ok (the default), notok or any. */
  readonly dependsOn?: readonly { readonly job: string; readonly condition?: DependencyCondition }[];
}

/** An array as GET /jobs/{id} shows it: the array's item, its elements' states counted, then its elements made so far. */
export type ArrayJob = Job & { readonly counts: Partial<Record<JobState, number>>; readonly elements: readonly Job[] };

export interface ListRequest {
  readonly state?: JobState;
  readonly class?: JobClass;
  readonly service?: string;
  readonly owner?: string;
  /** 'true': arrays' elements too (by default an array is one row). */
  readonly elements?: string;
  readonly limit?: string;
  readonly cursor?: string;
}

export interface CompleteRequest {
  readonly token: string;
  readonly exitCode: number;
  readonly message?: string;
  /** Base64 of the tail of the service's output (./output.ts); cut, never refused. */
  readonly output?: unknown;
}

export interface JobServiceDeps {
  readonly repo: JobRepository;
  readonly config: SvmschedConfig;
  readonly cloud: Cloud;
  readonly clock: () => number;
  /** Runs a tick soon (asynchronously), so a job that fits starts within seconds. */
  readonly kick: () => Promise<void>;
  /** The tick's last cluster view; without it, GET /cluster takes a snapshot itself. */
  readonly views?: Pick<ClusterViewStore, 'latest'>;
  /** Job arrays' elements and their end (lib/store/arrays.ts); without it, arrays are refused. */
  readonly arrays?: Pick<ArrayStore, 'elements' | 'finish'>;
}

/** Time-ordered, unguessable job ids: `j` + 10 base-36 time digits + 16 random hex digits. */
export function newJobId(now: number): string {
  return `j${now.toString(36).padStart(10, '0')}${randomBytes(8).toString('hex')}`;
}

/** What GET /services shows of a service. */
export function serviceView(s: Service) {
  return {
    id: s.id, description: s.description, image: s.image,
    defaultVcpu: s.defaultVcpu, maxVcpu: s.maxVcpu, defaultMemory: s.defaultMemory, maxMemory: s.maxMemory,
    defaultLifetime: s.defaultLifetime, maxLifetime: s.maxLifetime, defaultClass: s.defaultClass,
    preemptMode: s.preemptMode, repositories: s.repositories, requirements: s.requirements || undefined,
  };
}

function within(field: string, value: number, max: number | undefined, service: string, unit: string) {
  if (max !== undefined && value > max) throw new InvalidJobRequestError(field, `${field} ${value}${unit} is more than service ${service} allows (${max}${unit})`);
}

export class JobService {
  constructor(private readonly deps: JobServiceDeps) {}

  services() {
    return this.deps.config.services.map(serviceView);
  }

  private service(id: string): Service {
    const s = this.deps.config.services.find((x) => x.id === id);
    if (!s) throw new InvalidJobRequestError('service', `service '${id}' does not exist (known: ${this.deps.config.services.map((x) => x.id).join(', ')})`);
    return s;
  }

  async submit(caller: Caller, req: SubmitRequest, idempotencyKey?: string): Promise<Job> {
    const service = this.service(req.service);
    const vcpu = req.vcpu ?? service.defaultVcpu;
    const memory = req.memory ?? service.defaultMemory;
    within('vcpu', vcpu, service.maxVcpu, service.id, '');
    within('memory', memory, service.maxMemory, service.id, ' MB');
    const lifetime = req.lifetime ?? lifetimeFromArgs(service, req.args) ?? service.defaultLifetime;
    if (lifetime !== undefined) within('lifetime', lifetime, service.maxLifetime, service.id, ' s');
    const requirements = req.requirements?.trim() || undefined;
    if (requirements) {
      try {
        compileRequirement(requirements);
        // It must also go into the VM template as it is (no "]]>", no control characters).
        writeValue(andRequirements(service.requirements, requirements), 'requirements');
      } catch (err) {
        if (err instanceof ExprSyntaxError || err instanceof TemplateValueError) throw new InvalidJobRequestError('requirements', `requirements: ${err.message}`);
        throw err;
      }
    }
    if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,128}$/.test(idempotencyKey)) {
      throw new InvalidJobRequestError('Idempotency-Key', 'Idempotency-Key must be 1 to 128 printable ASCII characters');
    }
    if (!req.waitForHost) {
      const refusal = neverSatisfiable(await this.capabilities(), { vcpu, memory, requirements: andRequirements(service.requirements, requirements) });
      if (refusal) throw new InvalidJobRequestError(refusal.field, refusal.message);
    }
    const array = this.arraySpec(req);
    const dependsOn = await this.dependencies(caller, req);
    await this.withinUserLimit(caller);
    const now = this.deps.clock();
    const at = new Date(now).toISOString();
    const job: Job = {
      // An array is one item whatever its size: the tick makes its elements (lib/lifecycle/arrays.ts).
      id: array ? `a${newJobId(now).slice(1)}` : newJobId(now),
      ...(array ? { array } : {}),
      ...(dependsOn ? { dependsOn } : {}),
      ...(req.retry ? { retry: req.retry } : {}),
      owner: caller.user,
      tenant: jobTenant(this.deps.config, caller.user, service.id, caller.tenant),
      service: service.id,
      class: req.class ?? service.defaultClass,
      priority: req.priority ?? 0,
      vcpu,
      memory,
      args: req.args ?? [],
      lifetime,
      ...(req.runtimeEstimate !== undefined ? { runtimeEstimate: req.runtimeEstimate } : {}),
      requirements,
      preemptMode: service.preemptMode,
      ...(service.lifetimeIsSuccess ? { lifetimeIsSuccess: true } : {}),
      ...freshJob(at, 'submitted'),
    };
    const { job: stored, created } = await this.deps.repo.create(job, idempotencyKey);
    if (created) await this.deps.kick().catch(() => {});
    return stored;
  }

  /**
   * The jobs a request waits for: each must exist and be the caller's (an admin's: anyone's).
   * A new job's id is made after this, so no job can already wait for it: a cycle cannot form
   * through submits, and naming one job twice is refused.
   */
  private async dependencies(caller: Caller, req: SubmitRequest): Promise<Dependency[] | undefined> {
    if (!req.dependsOn || req.dependsOn.length === 0) return undefined;
    const seen = new Set<string>();
    const out: Dependency[] = [];
    for (const d of req.dependsOn) {
      if (!isJobId(d.job)) throw new InvalidJobRequestError('dependsOn', `dependsOn: ${d.job.slice(0, 40)} is not a job id`);
      if (seen.has(d.job)) throw new InvalidJobRequestError('dependsOn', `dependsOn: job ${d.job} is named twice`);
      seen.add(d.job);
      const dep = await this.deps.repo.get(d.job);
      if (!dep) throw new InvalidJobRequestError('dependsOn', `dependsOn: job ${d.job} does not exist`);
      if (caller.role !== 'admin' && dep.owner !== caller.user) throw new InvalidJobRequestError('dependsOn', `dependsOn: job ${d.job} is not yours`);
      out.push({ job: d.job, condition: d.condition ?? 'ok' });
    }
    return out;
  }

  /** The array a request asks for, if any. */
  private arraySpec(req: SubmitRequest): ArraySpec | undefined {
    if (req.count === undefined && req.array === undefined) {
      if (req.concurrency !== undefined) throw new InvalidJobRequestError('concurrency', 'concurrency limits an array: give count or array too');
      return undefined;
    }
    if (req.count !== undefined && req.array !== undefined) throw new InvalidJobRequestError('array', 'give count or array, not both');
    if (!this.deps.arrays) throw new InvalidJobRequestError('count', 'this server does not run job arrays');
    try {
      const spec = req.array !== undefined ? parseArraySpec(req.array) : countSpec(req.count!, req.concurrency);
      if (req.array !== undefined && req.concurrency !== undefined) {
        if (spec.limit !== undefined) throw new ArraySpecError('concurrency', 'give the limit as %N in array or as concurrency, not both');
        return { ...spec, limit: req.concurrency };
      }
      return spec;
    } catch (err) {
      if (err instanceof ArraySpecError) throw new InvalidJobRequestError(err.field, err.message);
      throw err;
    }
  }

  private cachedCapabilities?: { at: number; hosts: readonly HostCapability[] };

  /** The hosts of the tick's last cluster view; none (no check) before the first tick recorded one. */
  private async capabilities(): Promise<readonly HostCapability[]> {
    const now = this.deps.clock();
    if (this.cachedCapabilities && now - this.cachedCapabilities.at < CAPABILITIES_TTL_MS) return this.cachedCapabilities.hosts;
    const hosts = readCapabilities(asClusterRecord(await this.deps.views?.latest())?.capabilities);
    // Until a tick records a view, each submit looks again.
    if (hosts.length > 0) this.cachedCapabilities = { at: now, hosts };
    return hosts;
  }

  /** One user cannot fill the queue for everyone: admins included, since a runaway script is one whoever runs it. */
  private async withinUserLimit(caller: Caller): Promise<void> {
    const max = this.deps.config.jobs.maxUnfinishedPerUser;
    if (!max) return;
    if ((await this.deps.repo.countUnfinished(caller.user, max)) >= max) {
      throw new UserJobLimitError(caller.user, max);
    }
  }

  private async owned(caller: Caller, id: string): Promise<Job> {
    const job = await this.deps.repo.get(id);
    if (!job) throw new UnknownJobError(id);
    if (caller.role !== 'admin' && job.owner !== caller.user) throw new NotJobOwnerError(id);
    return job;
  }

  async get(caller: Caller, id: string): Promise<Job | ArrayJob> {
    const job = await this.owned(caller, id);
    return job.array ? this.withElements(job) : job;
  }

  /** An array with its elements: counts by state (elements not made yet count as QUEUED), then the elements. */
  private async withElements(array: Job): Promise<ArrayJob> {
    const elements = this.deps.arrays ? await this.deps.arrays.elements(array) : [];
    const counts: Partial<Record<JobState, number>> = {};
    const notYet = array.array!.size - elements.length;
    if (notYet > 0) counts.QUEUED = notYet;
    for (const e of elements) counts[e.state] = (counts[e.state] ?? 0) + 1;
    return { ...array, counts, elements };
  }

  /** Cancels every unfinished element, and the array itself so that no further element is made. */
  private async cancelArray(caller: Caller, array: Job): Promise<ArrayJob> {
    if (isFinal(array.state)) throw new JobAlreadyFinishedError(array.id, array.state);
    try {
      // First the array: from then on the tick makes no element (its write is conditional on the array being unfinished).
      await this.deps.arrays!.finish(array.id, ['QUEUED', 'RUNNING'], 'CANCELLED', `cancelled by ${caller.user}`);
    } catch (err) {
      if (!(err instanceof JobStateConflictError)) throw err;
      throw new JobAlreadyFinishedError(array.id, err.actual);
    }
    const done = await this.owned(caller, array.id);
    for (const e of await this.deps.arrays!.elements(done)) {
      if (isFinal(e.state)) continue;
      try {
        await this.cancel(caller, e.id);
      } catch (err) {
        if (!(err instanceof JobAlreadyFinishedError)) throw err;
      }
    }
    return this.withElements(done);
  }

  async list(caller: Caller, q: ListRequest) {
    // Users see their own jobs; admins see everyone's, or one owner's.
    const owner = caller.role === 'admin' ? q.owner : caller.user;
    return this.deps.repo.list({ owner, state: q.state, class: q.class, service: q.service, elements: q.elements === 'true' }, Number(q.limit ?? 50), q.cursor);
  }

  async cancel(caller: Caller, id: string): Promise<Job> {
    for (;;) {
      const job = await this.owned(caller, id);
      if (job.array) return this.cancelArray(caller, job);
      if (isFinal(job.state)) throw new JobAlreadyFinishedError(id, job.state);
      try {
        // The run it had counts: a cancelled session shows how long it ran.
        const ran = job.runningSince ? Math.max(0, (this.deps.clock() - Date.parse(job.runningSince)) / 1000) : 0;
        const done = await this.deps.repo.transition(id, job.state, 'CANCELLED',
          { runSeconds: (job.runSeconds ?? 0) + ran, clear: ['runningSince', 'lifetimeEndsAt'] }, { reason: `cancelled by ${caller.user}`, vmId: job.vmId });
        // Then the VM; if OpenNebula is down now, the tick ends it as an orphan.
        if (job.vmId !== undefined) await endVm(this.deps, job.vmId);
        // The room it frees (or its place in the queue) may let another job start now.
        await this.deps.kick().catch(() => {});
        return done;
      } catch (err) {
        if (!(err instanceof JobStateConflictError)) throw err;
        // The tick moved it meanwhile: look again.
      }
    }
  }

  /**
   * The VM's callback. Its token is good for one VM of the job (a new VM gets a new one, see
   * lib/lifecycle/execute.ts), and only while that VM's run is live: RUNNING, or on its way
   * between DynamoDB and OpenNebula (DISPATCHING or RESUMING, PREEMPTING) while OpenNebula says
   * the VM really runs. A VM on hold, a stopped VM, a VM the job no longer has: refused.
   */
  async complete(id: string, req: CompleteRequest): Promise<Job> {
    for (;;) {
      let job = await this.deps.repo.jobForCallback(id, req.token);
      // Same answer for an unknown job and a wrong token: the token proves nothing about other jobs.
      if (!job) throw new CallbackTokenError();
      const tail = outputTail(req.output);
      if (isFinal(job.state)) {
        // A repeated callback: the first one counted. Or the tick settled the job first from the
        // code the VM recorded through OneGate: the output, which only the callback carries, is still its VM's.
        if (tail !== undefined) await this.deps.repo.saveOutput(id, tail);
        return job;
      }
      const vm = await this.liveVm(job);
      try {
        // It ran before the tick saw it running: the history says so.
        if (job.state === 'DISPATCHING' || job.state === 'RESUMING') {
          const hostId = vm?.hostId ?? job.hostId;
          const hostName = vm?.hostName || job.hostName;
          job = await this.deps.repo.transition(id, job.state, 'RUNNING', { hostId, hostName, ...addressesOf(vm) }, { reason: `ran on host ${hostName ?? hostId}`, vmId: job.vmId, hostId, hostName });
        }
      } catch (err) {
        if (!(err instanceof JobStateConflictError)) throw err;
        continue;
      }
      const retry = { service: this.deps.config.services.find((s) => s.id === job!.service)?.retry, maxAttempts: this.deps.config.jobs.maxAttempts };
      const { to, reason, patch } = exitOutcome(job, req.exitCode, this.deps.clock(), req.message, undefined, retry);
      // Kept before the job ends, so a finished job shows its output; a retried callback rewrites the same.
      if (tail !== undefined) await this.deps.repo.saveOutput(id, tail);
      try {
        const done = await this.deps.repo.transition(id, job.state, to, patch, { reason, vmId: job.vmId, hostId: job.hostId, hostName: job.hostName });
        if (job.vmId !== undefined) await endVm(this.deps, job.vmId);
        await this.deps.kick().catch(() => {});
        return done;
      } catch (err) {
        if (!(err instanceof JobStateConflictError)) throw err;
      }
    }
  }

  /** The tail of the job's output its VM sent with its completion (owner or admin); empty until one came. */
  async output(caller: Caller, id: string): Promise<{ jobId: string; output: string; truncated: boolean; recordedAt?: string }> {
    await this.owned(caller, id);
    const kept = await this.deps.repo.output(id);
    return kept === undefined ? { jobId: id, output: '', truncated: false } : { jobId: id, ...kept };
  }

  /**
   * Whether the job's run is live, so its completion may count (CompletionNotLiveError otherwise). RUNNING is live
   * as recorded: the guest calls back before it powers off, and a retried callback after the
   * poweroff must still count until the tick has seen it. In the other states the record lags
   * OpenNebula or leads it, so OpenNebula says: the VM must be running now. Returns that VM.
   */
  private async liveVm(job: Job): Promise<Vm | undefined> {
    const refuse = (why: string) => new CompletionNotLiveError(job.id, job.state, why);
    if (job.vmId === undefined) throw refuse('it has no VM');
    if (job.state === 'RUNNING') return undefined;
    if (job.state !== 'DISPATCHING' && job.state !== 'RESUMING' && job.state !== 'PREEMPTING') {
      throw refuse(job.state === 'PREEMPTED' ? `its VM ${job.vmId} is stopped` : `its VM ${job.vmId} is not running`);
    }
    let vm: Vm | undefined;
    try {
      vm = await this.deps.cloud.vm(job.vmId);
    } catch (err) {
      // The guest tries again; nothing is decided without OpenNebula's word.
      if (err instanceof OneUnavailableError) throw new VmStateUnknownError(job.id, { cause: err });
      throw err;
    }
    if (!vm || vm.jobId !== job.id) throw refuse(`its VM ${job.vmId} is gone`);
    if (vmPhase(vm) !== 'running') throw refuse(`its VM ${job.vmId} is ${vm.state === 'ACTIVE' ? vm.lcmState : vm.state}`);
    return vm;
  }

  /** From the tick's last view (its age in the answer); a snapshot of OpenNebula only while no tick has recorded one. */
  async cluster(caller: Caller): Promise<ClusterView> {
    const recorded = asClusterRecord(await this.deps.views?.latest());
    if (recorded) return clusterView(recorded, caller, this.deps.clock());
    try {
      const [snapshot, jobs] = await Promise.all([this.deps.cloud.snapshot(), this.deps.repo.unfinished()]);
      const now = this.deps.clock();
      return clusterView(recordCluster(snapshot, jobs, now), caller, now);
    } catch (err) {
      if (err instanceof OneUnavailableError) throw new ClusterUnavailableError({ cause: err });
      throw err;
    }
  }
}

/** A service whose argument is its lifetime (the training sessions): `-a 7200` keeps the VM 7200 s. */
function lifetimeFromArgs(service: Service, args: readonly string[] | undefined): number | undefined {
  if (!service.lifetimeFromArgument) return undefined;
  const first = args?.[0];
  if (first === undefined || !/^[1-9][0-9]{0,8}$/.test(first)) throw new InvalidJobRequestError('args', `service ${service.id} takes its lifetime in seconds as first argument`);
  return Number(first);
}
