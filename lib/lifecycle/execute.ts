import type { Job, JobState } from '../domain/job';
import type { SvmschedConfig } from '../config/types';
import type { Vm } from '../sched/snapshot';
import type { Action, DeployAction, PreemptAction, ResumeAction, ShadowOf } from '../sched/contract';
import { newSecret, sha256Hex } from '../store/secrets';
import { OneUnavailableError } from '../one/errors';
import { TemplateValueError } from '../one/template';
import type { Cloud, JobPatch, JobStore, TransitionEvent } from './ports';
import { buildVmTemplate } from './vmTemplate';
import { retryOrFail, type Fix } from './reconcile';
import type { Crasher } from './crash';
import { logger } from '../log';

/** Everything a tick step needs; built once per tick. */
export interface StepContext {
  readonly store: JobStore;
  readonly cloud: Cloud;
  readonly config: SvmschedConfig;
  readonly crash: Crasher;
  readonly now: () => number;
  readonly jobs: ReadonlyMap<string, Job>;
  readonly vms: ReadonlyMap<number, Vm>;
  readonly hostNames: ReadonlyMap<number, string>;
}

const iso = (ms: number) => new Date(ms).toISOString();

export const callbackUrl = (config: SvmschedConfig, jobId: string) =>
  `${config.callbackBaseUrl.replace(/\/+$/, '')}/jobs/${encodeURIComponent(jobId)}/complete`;

/** Remaining lifetime in seconds, or undefined without one. */
function remainingLifetime(job: Job): number | undefined {
  if (!job.lifetime) return undefined;
  return Math.max(1, job.lifetime - Math.floor(job.runSeconds ?? 0));
}

function runStart(job: Job, now: number): { runningSince: string; lifetimeEndsAt?: string; checkpointAt: string } {
  const left = remainingLifetime(job);
  return { runningSince: iso(now), lifetimeEndsAt: left !== undefined ? iso(now + left * 1000) : undefined, checkpointAt: job.checkpointAt ?? iso(now) };
}

/** The lifetime as an OpenNebula scheduled action, so it is kept to the second; the tick is the backstop. */
async function scheduleLifetime(ctx: StepContext, job: Job, vmId: number, endsAt: string | undefined): Promise<void> {
  if (!endsAt) return;
  const time = Math.ceil(Date.parse(endsAt) / 1000);
  await ctx.cloud.schedAdd(vmId, `SCHED_ACTION = [ ACTION = "terminate-hard", TIME = "${time}" ]`);
}

/** Scheduled terminations already on a VM (removed when it is preempted: time preempted does not count). */
function lifetimeActions(vm: Vm | undefined): number[] {
  const ids: number[] = [];
  for (const t of vm?.xml?.children ?? []) {
    if (t.name !== 'TEMPLATE') continue;
    for (const sa of t.children) {
      if (sa.name !== 'SCHED_ACTION') continue;
      const action = sa.children.find((c) => c.name === 'ACTION')?.text ?? '';
      const id = sa.children.find((c) => c.name === 'ID')?.text;
      if (action.startsWith('terminate') && id !== undefined) ids.push(Number(id));
    }
  }
  return ids;
}

async function deploy(ctx: StepContext, a: DeployAction): Promise<void> {
  let job = ctx.jobs.get(a.jobId)!;
  const service = ctx.config.services.find((s) => s.id === job.service)!;
  const hostName = ctx.hostNames.get(a.hostId);
  const event = (reason: string): TransitionEvent => ({ reason, hostId: a.hostId, hostName, vmId: job.vmId });
  let vmId = job.vmId;
  if (vmId === undefined) {
    // 1) Build the VM's template (a job whose template cannot be written fails here, once);
    // 2) claim the job; 3) create its VM on hold (it carries the job id, so a crash here is
    // adopted); 4) record the VM; 5) deploy with enforce. Each step is safe to repeat.
    // A new callback token per VM: only its hash is kept; the VM gets it in its CONTEXT.
    const token = newSecret();
    let template: string;
    try {
      template = buildVmTemplate({ job, service, config: ctx.config, callbackToken: token, callbackUrl: callbackUrl(ctx.config, job.id) });
    } catch (err) {
      if (!(err instanceof TemplateValueError)) throw err;
      await ctx.store.transition(job.id, 'QUEUED', 'FAILED', {}, { reason: `its VM template cannot be written: ${err.message}` });
      return;
    }
    job = await ctx.store.transition(job.id, 'QUEUED', 'DISPATCHING', { callbackTokenHash: sha256Hex(token) }, event(`dispatching to host ${hostName ?? a.hostId}${shadowNote(a.shadow)}`));
    ctx.crash('after-dispatching');
    vmId = await ctx.cloud.allocate(template, true);
    ctx.crash('after-allocate');
    job = await ctx.store.patch(job.id, 'DISPATCHING', { vmId });
    ctx.crash('after-record-vm');
  }
  const start = runStart(job, ctx.now());
  job = await ctx.store.patch(job.id, 'DISPATCHING', { hostId: a.hostId, hostName, datastoreId: a.datastoreId, ...start });
  try {
    await ctx.cloud.deploy(vmId, a.hostId, a.enforce, a.datastoreId, nicTemplate(a));
  } catch (err) {
    // No answer is not a refusal: OpenNebula may have deployed it. The next round looks at the VM.
    if (err instanceof OneUnavailableError) {
      logger.warn({ jobId: job.id, vmId, err: err.message }, 'deploy unanswered; the next round follows the VM');
      return;
    }
    await deployFailed(ctx, job, vmId, err);
    return;
  }
  ctx.crash('after-deploy');
  await scheduleLifetime(ctx, job, vmId, start.lifetimeEndsAt);
}

const nicTemplate = (a: { nics: readonly { nicId: number; vnetId: number }[] }) =>
  a.nics.length === 0 ? undefined : a.nics.map((n) => `NIC = [ NIC_ID = "${n.nicId}", NETWORK_ID = "${n.vnetId}" ]`).join('\n');

/** OpenNebula refused the deploy: exclude that host; the VM stays on hold for the next plan, or the job fails. */
async function deployFailed(ctx: StepContext, job: Job, vmId: number, err: unknown): Promise<void> {
  const what = `deploy refused by OpenNebula (${(err as Error).message})`;
  logger.warn({ jobId: job.id, vmId, err: (err as Error).message }, 'deploy failed');
  const r = retryOrFail(job, ctx.now(), ctx.config.jobs.maxAttempts, what, ctx.config.services.find((s) => s.id === job.service)?.retry);
  if (r.to === 'FAILED') {
    await ctx.store.transition(job.id, job.state, 'FAILED', r.patch, { reason: r.reason, vmId });
    await endVm(ctx, vmId);
    return;
  }
  await ctx.store.patch(job.id, job.state, { attempts: r.patch.attempts, excludedHosts: r.patch.excludedHosts, clear: ['hostId', 'hostName', 'datastoreId', 'runningSince', 'lifetimeEndsAt'] });
}

async function preempt(ctx: StepContext, a: PreemptAction): Promise<void> {
  const job = ctx.jobs.get(a.jobId)!;
  await ctx.store.transition(job.id, 'RUNNING', 'PREEMPTING', { preemptions: job.preemptions + 1 }, { reason: a.reason, by: a.byJobId, hostId: a.hostId, vmId: a.vmId });
  ctx.crash('after-preempting');
  await preemptVm(ctx, a.vmId, job.preemptMode);
  ctx.crash('after-preempt-action');
}

export async function preemptVm(ctx: StepContext, vmId: number, mode: Job['preemptMode']): Promise<void> {
  for (const id of lifetimeActions(ctx.vms.get(vmId))) await ctx.cloud.schedDelete(vmId, id).catch(() => {});
  const action = mode === 'requeue' ? 'terminate-hard' : mode;
  await ctx.cloud.action(action, vmId);
}

async function resume(ctx: StepContext, a: ResumeAction): Promise<void> {
  let job = ctx.jobs.get(a.jobId)!;
  const hostName = ctx.hostNames.get(a.hostId);
  const start = runStart(job, ctx.now());
  job = await ctx.store.transition(job.id, 'PREEMPTED', 'RESUMING', { hostId: a.hostId, hostName, datastoreId: a.datastoreId, ...start },
    { reason: `resuming on host ${hostName ?? a.hostId}${shadowNote(a.shadow)}`, hostId: a.hostId, hostName, vmId: a.vmId });
  ctx.crash('after-resuming');
  const vm = ctx.vms.get(a.vmId);
  try {
    if (vm?.state === 'SUSPENDED') await ctx.cloud.action('resume', a.vmId);
    else await ctx.cloud.deploy(a.vmId, a.hostId, a.enforce, a.datastoreId, nicTemplate(a));
  } catch (err) {
    // Unanswered: reconcile sees whether it resumed. Refused: back to PREEMPTED, the next plan tries elsewhere.
    if (err instanceof OneUnavailableError) return;
    logger.warn({ jobId: job.id, err: (err as Error).message }, 'resume failed');
    await ctx.store.transition(job.id, 'RESUMING', 'PREEMPTED', { clear: ['runningSince', 'lifetimeEndsAt'] }, { reason: `resume refused by OpenNebula (${(err as Error).message})` });
    return;
  }
  ctx.crash('after-resume-action');
  await scheduleLifetime(ctx, job, a.vmId, start.lifetimeEndsAt);
}

export async function endVm(ctx: Pick<StepContext, 'cloud'>, vmId: number): Promise<void> {
  try {
    await ctx.cloud.action('terminate-hard', vmId);
  } catch (err) {
    // Already gone, or OpenNebula down: the next tick finds it as an orphan and tries again.
    logger.warn({ vmId, err: (err as Error).message }, 'terminate failed; left to the next tick');
  }
}

/** Final transition first, then the VM: a crash in between leaves an orphan, which the next tick ends. */
async function finish(ctx: StepContext, job: Job, to: JobState, reason: string, patch: JobPatch, vmId?: number): Promise<void> {
  await ctx.store.transition(job.id, job.state, to, patch, { reason, vmId, hostId: job.hostId, hostName: job.hostName });
  ctx.crash('after-final');
  if (vmId !== undefined) await endVm(ctx, vmId);
}

export async function applyAction(ctx: StepContext, a: Action): Promise<void> {
  switch (a.type) {
    case 'deploy': return deploy(ctx, a);
    // The room frees once the victims have left the host: the tick's next round plans again with it free.
    case 'deployAfterVictims': return;
    case 'preempt': return preempt(ctx, a);
    case 'resume': return resume(ctx, a);
    case 'migrate': return ctx.cloud.migrate(a.vmId, a.hostId, false, true, a.datastoreId);
    case 'terminate': {
      const job = ctx.jobs.get(a.jobId)!;
      return finish(ctx, job, 'EXPIRED', 'lifetime reached', { runSeconds: job.lifetime, clear: ['runningSince', 'lifetimeEndsAt'] }, a.vmId);
    }
    case 'fail': {
      const job = ctx.jobs.get(a.jobId)!;
      return finish(ctx, job, 'FAILED', a.reason, {}, job.vmId);
    }
  }
}

/** A backfilled start's history says whose reservation it ran beside (EASY backfill). */
function shadowNote(shadow: ShadowOf | undefined): string {
  if (!shadow) return '';
  return `, in the shadow of job ${shadow.jobId}'s reservation (host ${shadow.hostName} from ${new Date(shadow.from).toISOString().slice(0, 16).replace('T', ' ')} UTC): it ends before then or fits beside it`;
}

export async function applyFix(ctx: StepContext, f: Fix): Promise<void> {
  switch (f.type) {
    case 'advance':
      if (f.endVm !== undefined && f.to !== 'QUEUED' && f.to !== 'PREEMPTED') return finish(ctx, f.job, f.to, f.reason, f.patch, f.endVm);
      await ctx.store.transition(f.job.id, f.job.state, f.to, f.patch, { reason: f.reason, vmId: f.job.vmId, hostId: f.patch.hostId ?? f.job.hostId, hostName: f.patch.hostName ?? f.job.hostName });
      if (f.endVm !== undefined) await endVm(ctx, f.endVm);
      return;
    case 'adopt':
      await ctx.store.patch(f.job.id, f.job.state, { vmId: f.vmId });
      return;
    case 'repreempt':
      return preemptVm(ctx, f.vmId, f.mode);
    case 'endOrphan':
      logger.info({ vmId: f.vmId, jobId: f.jobId, reason: f.reason }, 'ending orphan VM');
      return endVm(ctx, f.vmId);
  }
}
