/**
 * svmsched's end-to-end cases against a real oned instead of the simulator: OpenNebula 7 with its
 * dummy drivers (two hosts of 8 CPUs and 16 GB as its dummy probes report them, VMs that deploy,
 * stop, suspend and end without a hypervisor, the placer set to dummy so only svmsched places),
 * prepared by `test/conformance/record.ts --setup`. Runs only when SVMSCHED_E2E_ONED names its
 * XML-RPC endpoint (SVMSCHED_E2E_ONED_AUTH: user:password, default oneadmin:opennebula), and
 * SVMSCHED_E2E_ONED_ACTIONS its dummy driver's actions folder for the failing deploy.
 *
 * No guest runs on a dummy host, so the test plays the guest: once a job's VM runs, it posts the
 * completion callback the start script would, with the token oned holds in the VM's CONTEXT.
 * Every XML-RPC call the stack makes goes through the recording proxy; SVMSCHED_E2E_ONED_RECORD
 * names where to keep the recording.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStack as startLocalStack, type CloudStack } from '../../local/stack';
import { startRecorder, type Recorder } from '../../local/sim/recorder';
import { xmlRpcCall } from '../../lib/one/transport';
import { api, waitForJob } from '../helpers/stack';
import { useDynamoLocal } from '../helpers/dynamo';
import { inProcess, tickUntil } from '../helpers/inProcess';

const ENDPOINT = process.env.SVMSCHED_E2E_ONED;
const AUTH = process.env.SVMSCHED_E2E_ONED_AUTH ?? 'oneadmin:opennebula';
const ACTIONS = process.env.SVMSCHED_E2E_ONED_ACTIONS ?? '/tmp/opennebula_dummy_actions';

let stack: CloudStack;
let recorder: Recorder;

const one = async (method: string, ...params: (string | number | boolean)[]) => {
  const answer = await xmlRpcCall(method, [AUTH, ...params], { endpoint: ENDPOINT!, timeoutMs: 30_000 });
  if (!Array.isArray(answer) || answer[0] !== true) throw new Error(`${method}: ${JSON.stringify(answer)}`);
  return answer[1];
};
const vmXml = async (id: number) => String(await one('one.vm.info', id, false));
const vmState = async (id: number) => {
  const m = /<STATE>(\d+)<\/STATE><LCM_STATE>(\d+)<\/LCM_STATE>/.exec(await vmXml(id));
  return m ? `${m[1]}/${m[2]}` : '';
};
const attr = (xml: string, name: string) => new RegExp(`<${name}><!\\[CDATA\\[([^\\]]*)\\]\\]></${name}>`).exec(xml)?.[1];

/** What the start script does when the job's work ends: the callback with the VM's token. */
async function finish(vmId: number, exitCode = 0): Promise<number> {
  const xml = await vmXml(vmId);
  const url = attr(xml, 'SVMSCHED_CALLBACK_URL'), token = attr(xml, 'SVMSCHED_TOKEN');
  if (!url || !token) throw new Error(`VM ${vmId} has no callback in its CONTEXT`);
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, exitCode }) });
  return res.status;
}

/** Polls outside a test (hooks cannot use expect.poll). */
async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

const DONE = '6/0', RUNNING = '3/3', STOPPED = '4/0', SUSPENDED = '5/0';
const dynamo = useDynamoLocal();

describe.skipIf(!ENDPOINT)('against a real oned', () => {
  beforeAll(async () => {
    recorder = await startRecorder(ENDPOINT!);
    const [user, password] = [AUTH.slice(0, AUTH.indexOf(':')), AUTH.slice(AUTH.indexOf(':') + 1)];
    expect(user).toBe('oneadmin');
    stack = await startLocalStack({ stage: `oned${process.pid}`, repositoryDir: 'copy', cloud: { endpoint: recorder.url, auth: { password } } });
    // oned reports a datastore's space once it has monitored it (MONITORING_INTERVAL_DATASTORE):
    // until then no system datastore has room, for svmsched as for OpenNebula's own scheduler.
    await until('the system datastore monitored', async () => /<TOTAL_MB>[1-9]\d*<\/TOTAL_MB>/.test(String(await one('one.datastore.info', 0, false))), 600_000);
  }, 900_000);
  // Each case leaves the cloud empty: what one leaves running would change where the next one places.
  afterEach(async () => {
    const jobs = (await api(stack, 'GET', '/jobs', { token: stack.userToken })).body;
    for (const j of (Array.isArray(jobs) ? jobs : jobs?.items ?? jobs?.jobs ?? [])) {
      if (!['COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED'].includes(j.state)) await api(stack, 'DELETE', `/jobs/${j.id}`, { token: stack.userToken });
    }
    await until('the hosts empty', async () => (String(await one('one.hostpool.info')).match(/<RUNNING_VMS>\d+<\/RUNNING_VMS>/g) ?? []).every((m) => m === '<RUNNING_VMS>0</RUNNING_VMS>'), 120_000);
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    if (recorder && process.env.SVMSCHED_E2E_ONED_RECORD) await recorder.save(process.env.SVMSCHED_E2E_ONED_RECORD);
    await recorder?.close();
  });

  const submit = async (body: unknown) => {
    const res = await api(stack, 'POST', '/jobs', { token: stack.userToken, body });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body;
  };
  const running = (id: string) => waitForJob(stack, stack.userToken, id, (j) => j.state === 'RUNNING');

  it('a data job: allocated on hold, deployed, RUNNING; its callback completes it and its VM ends DONE', { timeout: 180_000 }, async () => {
    const job = await running((await submit({ service: 'nrt-service', vcpu: 2, memory: 1024, args: ['1'] })).id);
    expect(await vmState(job.vmId)).toBe(RUNNING);
    expect(await finish(job.vmId)).toBe(200);
    const done = await waitForJob(stack, stack.userToken, job.id);
    expect(done.state).toBe('COMPLETED');
    expect(done.history.map((e: { to: string }) => e.to)).toEqual(['QUEUED', 'DISPATCHING', 'RUNNING', 'COMPLETED']);
    await expect.poll(() => vmState(job.vmId), { timeout: 60_000, interval: 500 }).toBe(DONE);
  });

  it('cancel ends the VM of a running job', { timeout: 180_000 }, async () => {
    const job = await running((await submit({ service: 'nrt-service', args: ['120'] })).id);
    expect((await api(stack, 'DELETE', `/jobs/${job.id}`, { token: stack.userToken })).status).toBe(202);
    expect((await waitForJob(stack, stack.userToken, job.id)).state).toBe('CANCELLED');
    await expect.poll(() => vmState(job.vmId), { timeout: 60_000, interval: 500 }).toBe(DONE);
  });

  it('a session ends at its lifetime through oned\'s scheduled terminate-hard', { timeout: 180_000 }, async () => {
    const job = await running((await submit({ service: 'training-session', args: ['5'] })).id);
    expect(await vmXml(job.vmId)).toMatch(/<SCHED_ACTION>[\s\S]*terminate-hard/);
    const ended = await waitForJob(stack, stack.userToken, job.id, undefined, 120_000);
    expect(ended.state).toBe('EXPIRED');
    await expect.poll(() => vmState(job.vmId), { timeout: 60_000, interval: 500 }).toBe(DONE);
  });

  it('stops a beff job for a prod job, resumes it on the other host, and all complete', { timeout: 300_000 }, async () => {
    const beff = await running((await submit({ service: 'nrt-service', class: 'beff', vcpu: 8, memory: 1024, args: ['600'] })).id);
    const short = await running((await submit({ service: 'prod-service', class: 'prod', vcpu: 8, memory: 1024, args: ['600'] })).id);
    expect(short.hostId).not.toBe(beff.hostId);
    const long = await submit({ service: 'prod-service', class: 'prod', vcpu: 8, memory: 1024, args: ['600'] });

    const preempted = await waitForJob(stack, stack.userToken, beff.id, (j) => j.state === 'PREEMPTED', 120_000);
    expect(preempted.history.find((e: { to: string }) => e.to === 'PREEMPTING')).toMatchObject({ by: long.id });
    expect(await vmState(beff.vmId)).toBe(STOPPED);
    expect((await running(long.id)).hostId).toBe(beff.hostId);

    expect(await finish(short.vmId)).toBe(200);
    const resumed = await waitForJob(stack, stack.userToken, beff.id, (j) => j.state === 'RUNNING' && j.preemptions === 1, 120_000);
    expect(resumed.hostId).toBe(short.hostId);
    expect(resumed.vmId).toBe(beff.vmId);
    expect(await vmState(beff.vmId)).toBe(RUNNING);
    for (const j of [resumed, await running(long.id)]) expect(await finish(j.vmId)).toBe(200);
    for (const j of [beff, short, long]) expect((await waitForJob(stack, stack.userToken, j.id)).state).toBe('COMPLETED');
  });

  it('a deploy the hypervisor fails is retried on the other host; with both excluded the job waits, saying why', { timeout: 300_000 }, async () => {
    await mkdir(ACTIONS, { recursive: true });
    await writeFile(path.join(ACTIONS, 'deploy'), 'failure\n');
    try {
      const res = await submit({ service: 'nrt-service', args: ['1'] });
      // Two hosts and three attempts: after a failure on each, no host is left to try.
      const job = await waitForJob(stack, stack.userToken, res.id, (j) => j.excludedHosts?.length === 2 && j.state === 'QUEUED', 240_000);
      expect(job.history.filter((e: { reason: string }) => /the VM failed on host/.test(e.reason))).toHaveLength(2);
      expect(job.reason).toMatch(/all 2 hosts matching it are excluded after failed deploys/);
      for (const vmId of job.history.map((e: { vmId?: number }) => e.vmId).filter((v: number | undefined) => v !== undefined)) {
        expect(await vmState(vmId)).not.toBe(RUNNING);
      }
    } finally {
      await rm(path.join(ACTIONS, 'deploy'), { force: true });
    }
  });
});

describe.skipIf(!ENDPOINT)('preemption by suspension against a real oned', () => {
  it('suspends a beff job for a prod job on its host, then resumes it there', { timeout: 300_000 }, async () => {
    const rec = await startRecorder(ENDPOINT!);
    try {
      const app = await inProcess(dynamo.client, await dynamo.freshTables(), rec.url);
      const alice = { user: 'alice', role: 'user' as const };
      const beff = [];
      for (let i = 0; i < 2; i++) {
        const j = await app.jobs.submit(alice, { service: 'nrt-service', class: 'beff', vcpu: 8, memory: 1024, args: ['600'] });
        await app.store.jobs.patch(j.id, 'QUEUED', { preemptMode: 'suspend' });
        beff.push(await tickUntil(app, j.id, ['RUNNING'], 300));
      }
      const prod = await app.jobs.submit(alice, { service: 'prod-service', class: 'prod', vcpu: 8, memory: 1024, args: ['1'] });
      const running = await tickUntil(app, prod.id, ['RUNNING'], 300);
      const victim = beff.find((b) => b.hostId === running.hostId)!;
      const suspended = await tickUntil(app, victim.id, ['PREEMPTED'], 300);
      expect(suspended.history.find((e) => e.to === 'PREEMPTING')?.by).toBe(prod.id);
      expect(await vmState(suspended.vmId!)).toBe(SUSPENDED);

      await app.jobs.complete(prod.id, { token: await app.vmToken(running), exitCode: 0 });
      const resumed = await tickUntil(app, victim.id, ['RUNNING'], 300);
      expect(resumed.hostId).toBe(victim.hostId);
      expect(await vmState(resumed.vmId!)).toBe(RUNNING);
      for (const j of beff) await app.jobs.cancel(alice, j.id).catch(() => {});
    } finally {
      if (process.env.SVMSCHED_E2E_ONED_RECORD) await rec.save(process.env.SVMSCHED_E2E_ONED_RECORD.replace(/\.json$/, '-suspend.json'));
      await rec.close();
    }
  });
});
