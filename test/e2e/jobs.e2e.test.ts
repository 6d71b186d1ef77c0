/**
 * The job service end to end, over real HTTP: serverless-offline running serverless.yml's
 * functions, DynamoDB Local, and the OpenNebula simulator running the services' scripts.
 * Outcomes are checked in the simulator's own records, not only in svmsched's answers.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startStack, waitForJob, type Stack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => { stack = await startStack(); }, 180_000);
afterAll(async () => { await stack?.stop(); });

const submit = (body: unknown, token = stack.userToken, headers: Record<string, string> = {}) =>
  api(stack, 'POST', '/jobs', { token, body, headers });
const simVm = (jobId: string) => stack.sim.state.vms().filter((v) => v.jobId === jobId);

describe('a data job', () => {
  it('goes QUEUED → RUNNING → COMPLETED, writes its real result, and its VM ends DONE', { timeout: 180_000 }, async () => {
    const res = await submit({ service: 'example-service1', vcpu: 2, memory: 1024, args: ['/data/repository/file.dat'] });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ state: 'QUEUED', service: 'example-service1', vcpu: 2, memory: 1024, owner: 'alice' });

    const job = await waitForJob(stack, stack.userToken, res.body.id);

    expect(job.state).toBe('COMPLETED');
    expect(job.exitCode).toBe(0);
    expect(job.history.map((e: { to: string }) => e.to)).toEqual(['QUEUED', 'DISPATCHING', 'RUNNING', 'COMPLETED']);
    const result = await readFile(path.join(stack.repositoryDir, 'file.dat.result'), 'utf8');
    expect(result).toMatch(/^file: \/data\/repository\/file\.dat$/m);
    expect(result).toMatch(/^sha256: [0-9a-f]{64}$/m);
    const [vm] = simVm(job.id);
    expect(vm?.id).toBe(job.vmId);
    await expect.poll(() => stack.sim.state.vm(job.vmId)?.state, { timeout: 20_000 }).toBe('DONE');
  });
});

describe('bad requests', () => {
  it('get 400 naming the field, and write nothing', { timeout: 180_000 }, async () => {
    const before = (await api(stack, 'GET', '/jobs?limit=100', { token: stack.adminToken })).body.jobs.length;
    const cases: [unknown, string][] = [
      [{ service: 'nope' }, 'service'],
      [{ service: 'example-service1', vcpu: 64 }, 'vcpu'],
      [{ service: 'example-service1', memory: 999999 }, 'memory'],
      [{ service: 'example-service1', requirements: 'CPUSPEED > & (' }, 'requirements'],
      [{ service: 'example-service1', class: 'gold' }, 'class'],
      [{ service: 'example-service1', colour: 'red' }, 'colour'],
      [{}, 'service'],
      ['{not json', 'body'],
    ];
    for (const [body, field] of cases) {
      const res = await submit(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.field, JSON.stringify(res.body)).toBe(field);
      expect(res.body.error.message).toContain(field);
    }
    const after = (await api(stack, 'GET', '/jobs?limit=100', { token: stack.adminToken })).body.jobs.length;
    expect(after).toBe(before);
  });

  it('needs a bearer token, and keeps users out of each other\'s jobs', { timeout: 180_000 }, async () => {
    expect((await api(stack, 'GET', '/jobs')).status).toBe(401);
    expect((await api(stack, 'GET', '/jobs', { token: 'svm_not-a-token' })).status).toBe(401);
    const mine = await submit({ service: 'nrt-service', args: ['1'] });
    expect((await api(stack, 'GET', `/jobs/${mine.body.id}`, { token: stack.otherUserToken })).status).toBe(403);
    expect((await api(stack, 'DELETE', `/jobs/${mine.body.id}`, { token: stack.otherUserToken })).status).toBe(403);
    expect((await api(stack, 'GET', `/jobs/${mine.body.id}`, { token: stack.adminToken })).status).toBe(200);
    await waitForJob(stack, stack.userToken, mine.body.id);
  });

  it('refuses a callback with the wrong token and changes nothing', { timeout: 180_000 }, async () => {
    const res = await submit({ service: 'nrt-service', args: ['30'] });
    await waitForJob(stack, stack.userToken, res.body.id, (j) => j.state === 'RUNNING');
    const wrong = await api(stack, 'POST', `/jobs/${res.body.id}/complete`, { body: { token: 'x'.repeat(43), exitCode: 0 } });
    expect(wrong.status).toBe(403);
    expect((await api(stack, 'GET', `/jobs/${res.body.id}`, { token: stack.userToken })).body.state).toBe('RUNNING');
    await api(stack, 'DELETE', `/jobs/${res.body.id}`, { token: stack.userToken });
  });
});

describe('cancel', () => {
  it('ends the VM of a running job', { timeout: 180_000 }, async () => {
    const res = await submit({ service: 'nrt-service', args: ['120'] });
    const running = await waitForJob(stack, stack.userToken, res.body.id, (j) => j.state === 'RUNNING');

    const cancelled = await api(stack, 'DELETE', `/jobs/${res.body.id}`, { token: stack.userToken });

    expect(cancelled.status).toBe(202);
    expect(cancelled.body.state).toBe('CANCELLED');
    await expect.poll(() => stack.sim.state.vm(running.vmId)?.state, { timeout: 20_000 }).toBe('DONE');
  });
});

describe('a training session', () => {
  it('ends at its lifetime, kept by OpenNebula to the second', { timeout: 180_000 }, async () => {
    const res = await submit({ service: 'training-session', args: ['4'] });
    expect(res.body.lifetime).toBe(4);

    const job = await waitForJob(stack, stack.userToken, res.body.id);

    expect(job.state).toBe('EXPIRED');
    const vm = stack.sim.state.vm(job.vmId)!;
    const ran = vm.log.find((s) => s.lcmState === 'RUNNING')!.at;
    const ended = vm.log.find((s) => s.at > ran && s.lcmState !== 'RUNNING')!.at;
    expect((ended - ran) / 1000).toBeGreaterThan(3);
    expect((ended - ran) / 1000).toBeLessThan(6);
  });
});

describe('a VM that fails during boot', () => {
  it('is retried on other hosts, then the job fails with a clear reason', { timeout: 180_000 }, async () => {
    stack.sim.faults.failBoots(100);
    try {
      const res = await submit({ service: 'nrt-service', args: ['1'] });
      const job = await waitForJob(stack, stack.userToken, res.body.id);
      expect(job.state).toBe('FAILED');
      expect(job.reason).toMatch(/failed.*gave up after 3 attempts/);
      expect(new Set(job.excludedHosts).size).toBe(3);
      const vms = simVm(job.id);
      expect(vms).toHaveLength(3);
      expect(new Set(vms.map((v) => v.placements.at(-1)?.hostId)).size).toBe(3);
    } finally {
      stack.sim.faults.clear();
    }
  });
});

describe('a requirement built to be slow to match', () => {
  it('holds only its own job: another user\'s job starts at the next tick', { timeout: 180_000 }, async () => {
    // The probe's requirement: a glob that a backtracking matcher takes minutes over against a
    // host's whole document ("/HOST"), with more pairs than the probe used.
    const hostile = await submit({ service: 'nrt-service', args: ['1'], requirements: `"/HOST" = "${'*[!~]'.repeat(20)}~"`, waitForHost: true }, stack.otherUserToken);
    expect(hostile.status).toBe(202);
    const mine = await submit({ service: 'nrt-service', args: ['1'] });

    // Well within the minute between scheduled ticks: the tick the submits kicked placed it.
    const job = await waitForJob(stack, stack.userToken, mine.body.id, (j) => j.state !== 'QUEUED' && j.state !== 'DISPATCHING', 30_000);

    expect(['RUNNING', 'COMPLETED']).toContain(job.state);
    const waiting = (await api(stack, 'GET', `/jobs/${hostile.body.id}`, { token: stack.otherUserToken })).body;
    expect(waiting.state).toBe('QUEUED');
    expect(waiting.reason).toMatch(/requirement|host/i);
    expect((await api(stack, 'DELETE', `/jobs/${hostile.body.id}`, { token: stack.otherUserToken })).status).toBe(202);
  });
});
