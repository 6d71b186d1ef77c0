/**
 * The completion callback, in process on DynamoDB Local and the simulator over XML-RPC: a
 * callback token is good for one VM of its job, and only while that VM's run is live (RUNNING,
 * or DISPATCHING / RESUMING / PREEMPTING while OpenNebula says the VM runs). Crash points stop
 * the tick between two of its steps, as a Lambda killed there would, to hold a job in the
 * in-between states a callback can meet.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDynamoLocal } from '../helpers/dynamo';
import { inProcess, tickUntil, type InProcess } from '../helpers/inProcess';
import { FAST_TIMING, startSimulator, type Simulator } from '../../local/sim';
import { cloudFrom } from '../../lib/app';
import { runTick } from '../../lib/lifecycle/tick';
import { CrashInjected, type CrashPoint } from '../../lib/lifecycle/crash';
import { HttpError } from '../../lib/http/errors';
import { asHttpError } from '../../lib/http/middleware';
import type { Job } from '../../lib/domain/job';

const dynamo = useDynamoLocal();
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ timing: FAST_TIMING, bootScripts: false, fixture: path.resolve(__dirname, '../fixtures/stack/two-hosts.json') });
});
afterAll(async () => { await sim?.close(); });

const alice = { user: 'alice', role: 'user' as const };

let crashes = 0;
/** A tick that dies right after `point`, as a Lambda killed there would. */
async function tickCrashingAfter(app: InProcess, point: CrashPoint): Promise<void> {
  const { cloud } = cloudFrom(app.config, { SVMSCHED_ONE_PASSWORD: 'opennebula', ONE_XMLRPC: sim.url });
  const crash = (p: CrashPoint) => { if (p === point) throw new CrashInjected(p); };
  await expect(runTick({ store: app.store.jobs, leases: app.store.leases, cloud, config: app.config, crash, clock: Date.now, owner: `crashing-${++crashes}` }, { budgetMs: 5_000, settleMs: 100 }))
    .rejects.toBeInstanceOf(CrashInjected);
}

/** The HTTP status a refused completion answers (undefined when it was accepted). */
async function refusal(app: InProcess, id: string, token: string): Promise<{ status: number; message: string } | undefined> {
  try {
    await app.jobs.complete(id, { token, exitCode: 0 });
    return undefined;
  } catch (err) {
    // As the HTTP edge answers it.
    const answer = asHttpError(err);
    if (!(answer instanceof HttpError)) throw err;
    return { status: answer.statusCode, message: answer.message };
  }
}

const vmLcm = (vmId: number) => { const vm = sim.state.vm(vmId); return vm && `${vm.state}/${vm.lcmState}`; };

async function submitted(app: InProcess, args = ['600']): Promise<Job> {
  return app.jobs.submit(alice, { service: 'nrt-service', args });
}

describe('a completion callback', () => {
  it('is accepted while the job is RUNNING', { timeout: 60_000 }, async () => {
    const app = await inProcess(dynamo.client, await dynamo.freshTables(), sim.url);
    const running = await tickUntil(app, (await submitted(app)).id, ['RUNNING']);

    const done = await app.jobs.complete(running.id, { token: await app.vmToken(running), exitCode: 0 });

    expect(done.state).toBe('COMPLETED');
    await expect.poll(() => sim.state.vm(running.vmId!)?.state, { timeout: 10_000 }).toBe('DONE');
  });

  it('is refused while the job\'s VM is on hold, and changes nothing', { timeout: 60_000 }, async () => {
    const app = await inProcess(dynamo.client, await dynamo.freshTables(), sim.url);
    const job = await submitted(app);
    await tickCrashingAfter(app, 'after-record-vm');
    const held = (await app.store.jobs.get(job.id))!;
    expect(held.state).toBe('DISPATCHING');
    expect(vmLcm(held.vmId!)).toBe('HOLD/LCM_INIT');

    const refused = await refusal(app, job.id, await app.vmToken(held));

    expect(refused?.status).toBe(409);
    expect(refused?.message).toContain(`its VM ${held.vmId} is HOLD`);
    expect(await app.store.jobs.get(job.id)).toEqual(held);
    // The run goes on as if nothing had happened: the next tick deploys it, and then its token counts.
    const running = await tickUntil(app, job.id, ['RUNNING']);
    expect((await app.jobs.complete(job.id, { token: await app.vmToken(running), exitCode: 0 })).state).toBe('COMPLETED');
  });

  it('is accepted while the job is still DISPATCHING but its VM already runs (before the tick has seen it)', { timeout: 60_000 }, async () => {
    const app = await inProcess(dynamo.client, await dynamo.freshTables(), sim.url);
    const job = await submitted(app);
    await tickCrashingAfter(app, 'after-deploy');
    const dispatching = (await app.store.jobs.get(job.id))!;
    expect(dispatching.state).toBe('DISPATCHING');
    await expect.poll(() => vmLcm(dispatching.vmId!), { timeout: 10_000 }).toBe('ACTIVE/RUNNING');

    const done = await app.jobs.complete(job.id, { token: await app.vmToken(dispatching), exitCode: 3, message: 'bad input' });

    expect(done.state).toBe('FAILED');
    expect(done.exitCode).toBe(3);
    expect(done.history.map((e) => e.to)).toEqual(['QUEUED', 'DISPATCHING', 'RUNNING', 'FAILED']);
    expect(done.hostId).toBe(sim.state.vm(dispatching.vmId!)!.hostId);
  });

  it('is accepted while PREEMPTING as long as the VM still runs, refused once it is stopping', { timeout: 60_000 }, async () => {
    const app = await inProcess(dynamo.client, await dynamo.freshTables(), sim.url);
    const [a, b] = [await submitted(app), await submitted(app)];
    for (const j of [a, b]) await app.store.jobs.patch(j.id, 'QUEUED', { preemptMode: 'stop' });
    const [ra, rb] = [await tickUntil(app, a.id, ['RUNNING']), await tickUntil(app, b.id, ['RUNNING'])];
    // What the tick's preemption records first, before it asks OpenNebula to stop the VM.
    for (const j of [ra, rb]) await app.store.jobs.transition(j.id, 'RUNNING', 'PREEMPTING', { preemptions: 1 }, { reason: 'test: room for a prod job', vmId: j.vmId });
    const one = cloudFrom(app.config, { SVMSCHED_ONE_PASSWORD: 'opennebula', ONE_XMLRPC: sim.url }).cloud;
    await one.action('stop', rb.vmId!);
    await expect.poll(() => vmLcm(rb.vmId!), { timeout: 10_000 }).not.toBe('ACTIVE/RUNNING');

    const done = await app.jobs.complete(a.id, { token: await app.vmToken(ra), exitCode: 0 });
    const refused = await refusal(app, b.id, await app.vmToken(rb));

    expect(done.state).toBe('COMPLETED');
    expect(done.history.map((e) => e.to)).toEqual(['QUEUED', 'DISPATCHING', 'RUNNING', 'PREEMPTING', 'COMPLETED']);
    expect(refused?.status).toBe(409);
    expect((await app.store.jobs.get(b.id))!.state).toBe('PREEMPTING');
  });

  it('is refused while the job is PREEMPTED or RESUMING with its VM stopped, and counts again once the VM runs', { timeout: 60_000 }, async () => {
    const app = await inProcess(dynamo.client, await dynamo.freshTables(), sim.url);
    const job = await submitted(app);
    await app.store.jobs.patch(job.id, 'QUEUED', { preemptMode: 'stop' });
    const running = await tickUntil(app, job.id, ['RUNNING']);
    const token = await app.vmToken(running);
    const one = cloudFrom(app.config, { SVMSCHED_ONE_PASSWORD: 'opennebula', ONE_XMLRPC: sim.url }).cloud;
    await one.action('stop', running.vmId!);
    await expect.poll(() => vmLcm(running.vmId!), { timeout: 10_000 }).toBe('STOPPED/LCM_INIT');
    // What reconcile records for a VM stopped outside svmsched (a tick would resume it at once).
    const preempted = await app.store.jobs.transition(job.id, 'RUNNING', 'PREEMPTED', { clear: ['runningSince', 'lifetimeEndsAt'] }, { reason: 'the VM was stopped outside svmsched', vmId: running.vmId });

    const whilePreempted = await refusal(app, job.id, token);
    const unchanged = await app.store.jobs.get(job.id);
    await tickCrashingAfter(app, 'after-resuming');
    const resuming = (await app.store.jobs.get(job.id))!;
    const whileResuming = await refusal(app, job.id, token);
    const resumed = await tickUntil(app, job.id, ['RUNNING']);
    const done = await app.jobs.complete(job.id, { token, exitCode: 0 });

    expect(whilePreempted?.status).toBe(409);
    expect(whilePreempted?.message).toContain(`its VM ${running.vmId} is stopped`);
    expect(unchanged).toEqual(preempted);
    expect(resuming.state).toBe('RESUMING');
    expect(whileResuming?.status).toBe(409);
    expect(whileResuming?.message).toContain(`its VM ${running.vmId} is STOPPED`);
    // A resumed VM is the same VM, with the same CONTEXT: the same run goes on.
    expect(resumed.vmId).toBe(running.vmId);
    expect(done.state).toBe('COMPLETED');
  });

  it('with the token of a VM the job no longer has (requeued) is refused, before and after its new VM', { timeout: 60_000 }, async () => {
    const app = await inProcess(dynamo.client, await dynamo.freshTables(), sim.url);
    const job = await submitted(app);
    await app.store.jobs.patch(job.id, 'QUEUED', { preemptMode: 'requeue' });
    const first = await tickUntil(app, job.id, ['RUNNING']);
    const oldToken = await app.vmToken(first);
    // A requeue preemption: recorded, the VM ended, then reconcile puts the job back in the queue.
    await app.store.jobs.transition(job.id, 'RUNNING', 'PREEMPTING', { preemptions: 1 }, { reason: 'test: room for a prod job', vmId: first.vmId });
    const one = cloudFrom(app.config, { SVMSCHED_ONE_PASSWORD: 'opennebula', ONE_XMLRPC: sim.url }).cloud;
    await one.action('terminate-hard', first.vmId!);
    await expect.poll(() => sim.state.vm(first.vmId!)?.state, { timeout: 10_000 }).toBe('DONE');
    // Back in the queue (store-level, as reconcile writes it), without a VM yet.
    const requeued = await app.store.jobs.transition(job.id, 'PREEMPTING', 'QUEUED', { clear: ['runningSince', 'lifetimeEndsAt', 'vmId', 'hostId', 'hostName', 'datastoreId'] }, { reason: 'preempted: requeued to start again' });

    const whileQueued = await refusal(app, job.id, oldToken);
    const second = await tickUntil(app, job.id, ['RUNNING']);
    const afterNewVm = await refusal(app, job.id, oldToken);

    expect(whileQueued?.status).toBe(403);
    expect(second.vmId).not.toBe(first.vmId);
    expect(afterNewVm?.status).toBe(403);
    expect((await app.store.jobs.get(job.id))!.state).toBe('RUNNING');
    expect(requeued.state).toBe('QUEUED');
    expect((await app.jobs.complete(job.id, { token: await app.vmToken(second), exitCode: 0 })).state).toBe('COMPLETED');
  });

  it('with the token of a VM that failed to boot is refused once the job is retried on a new VM', { timeout: 60_000 }, async () => {
    const app = await inProcess(dynamo.client, await dynamo.freshTables(), sim.url);
    sim.faults.failBoots(1);
    const job = await submitted(app);
    const running = await tickUntil(app, job.id, ['RUNNING']);
    expect(running.history.filter((e) => e.to === 'DISPATCHING')).toHaveLength(2);
    // The failed VM's CONTEXT is still readable in OpenNebula (DONE VMs keep their template).
    const failed = sim.state.vms().filter((v) => v.jobId === job.id && v.id !== running.vmId);
    expect(failed).toHaveLength(1);
    const oldToken = await app.vmToken({ ...running, vmId: failed[0]!.id });

    const refused = await refusal(app, job.id, oldToken);

    expect(refused?.status).toBe(403);
    expect((await app.store.jobs.get(job.id))!.state).toBe('RUNNING');
  });

  it('answers 503 while OpenNebula cannot say whether a DISPATCHING job\'s VM runs, and counts once it can', { timeout: 60_000 }, async () => {
    const app = await inProcess(dynamo.client, await dynamo.freshTables(), sim.url);
    const job = await submitted(app);
    await tickCrashingAfter(app, 'after-deploy');
    const dispatching = (await app.store.jobs.get(job.id))!;
    const token = await app.vmToken(dispatching);
    await expect.poll(() => vmLcm(dispatching.vmId!), { timeout: 10_000 }).toBe('ACTIVE/RUNNING');

    sim.faults.set({ methodFailures: [{ method: 'one.vm.info', rate: 1, mode: 'drop' }] });
    const unavailable = await refusal(app, job.id, token).finally(() => sim.faults.clear());
    const done = await app.jobs.complete(job.id, { token, exitCode: 0 });

    expect(unavailable?.status).toBe(503);
    expect(done.state).toBe('COMPLETED');
  });
});
