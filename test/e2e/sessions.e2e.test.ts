/**
 * Sessions as their users meet them, end to end on the local stack (serverless-offline,
 * DynamoDB Local, the OpenNebula simulator), through svmschedclient where a user would use it:
 * a training session that reaches its lifetime succeeds, status says where the VM is and how
 * long it has left, a cancelled session keeps the time it ran, and a request no host of the
 * cloud could ever satisfy is refused at submit with the reason, unless it asks to wait.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../lib/cli/errors';
import { XmlRpcOneClient } from '../../lib/one/client';
import { ONE_PASSWORD } from '../../local/stack';
import { runClient } from '../cli/cliProcess';
import { api, startStack, waitForJob, type Stack } from '../helpers/stack';

const ROOT = path.resolve(__dirname, '../..');
let stack: Stack;
let configDir: string;

beforeAll(async () => {
  // The local configuration, with one service allowed more CPUs than the simulator's largest host has.
  configDir = await mkdtemp(path.join(tmpdir(), 'svmsched-sessions-'));
  const xml = (await readFile(path.join(ROOT, 'local/svmsched.xml'), 'utf8'))
    .replace(/(<service id="nrt-service">[\s\S]*?)<maxVcpu>8<\/maxVcpu>/, '$1<maxVcpu>64</maxVcpu>');
  expect(xml).toContain('<maxVcpu>64</maxVcpu>');
  await writeFile(path.join(configDir, 'svmsched.xml'), xml);
  stack = await startStack({ configPath: path.join(configDir, 'svmsched.xml') });
}, 180_000);
afterAll(async () => {
  await stack?.stop();
  if (configDir) await rm(configDir, { recursive: true, force: true });
});

const client = (args: string[]) => runClient(args, { env: { SVMSCHED_URL: stack.url, SVMSCHED_TOKEN: stack.userToken } });
const submit = (body: unknown) => api(stack, 'POST', '/jobs', { token: stack.userToken, body });

describe('a training session', () => {
  it('that reaches its lifetime ends EXPIRED, and --wait counts that as success (exit 0)', { timeout: 180_000 }, async () => {
    const result = await client(['-r', 'training-session', '-a', '3', '--wait', '--json']);

    expect(result.code, result.stderr).toBe(EXIT.ok);
    const job = JSON.parse(result.stdout);
    expect(job).toMatchObject({ state: 'EXPIRED', lifetimeIsSuccess: true, lifetime: 3 });
    expect(job.runSeconds).toBeGreaterThanOrEqual(3);
  });

  it('a job of another service that expires still fails --wait (exit 1)', { timeout: 180_000 }, async () => {
    const result = await client(['-r', 'nrt-service', '-a', '600', '--lifetime', '3', '--wait', '--json']);

    expect(result.code).toBe(EXIT.jobUnsuccessful);
    expect(JSON.parse(result.stdout)).toMatchObject({ state: 'EXPIRED' });
    expect(JSON.parse(result.stdout).lifetimeIsSuccess).toBeUndefined();
  });

  it('shows its VM\'s addresses and the time left while it runs; cancelled, it keeps the time it ran', { timeout: 180_000 }, async () => {
    const res = await submit({ service: 'training-session', args: ['3600'] });
    expect(res.status).toBe(202);
    const running = await waitForJob(stack, stack.userToken, res.body.id, (j) => j.state === 'RUNNING');
    // The addresses OpenNebula leased to the VM's NICs, as one.vm.info tells them.
    const one = new XmlRpcOneClient({ endpoint: stack.sim.url, user: 'oneadmin', password: ONE_PASSWORD });
    const { xml } = await one.vmInfo(running.vmId);
    const nics = xml!.children.find((c) => c.name === 'TEMPLATE')!.children.filter((c) => c.name === 'NIC');
    const leased = nics.flatMap((n) => n.children.filter((c) => c.name === 'IP').map((c) => c.text));
    expect(leased.length).toBeGreaterThan(0);
    expect(running.addresses).toEqual(leased);

    const status = await client(['status', running.id]);
    expect(status.code, status.stderr).toBe(EXIT.ok);
    expect(status.stdout).toMatch(new RegExp(`^Addresses: +${running.addresses.join(', ').replace(/\./g, '\\.')}$`, 'm'));
    // 3600 s from its start, a few seconds ago: 59 minutes and some seconds.
    expect(status.stdout).toMatch(/^Time left: +59m\d\ds \(until \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\)$/m);

    await new Promise((r) => setTimeout(r, 2000));
    const cancelled = await client(['cancel', running.id, '--json']);
    expect(cancelled.code, cancelled.stderr).toBe(EXIT.ok);
    const job = (await api(stack, 'GET', `/jobs/${running.id}`, { token: stack.userToken })).body;
    expect(job.state).toBe('CANCELLED');
    const ranFor = (Date.parse(job.updatedAt) - Date.parse(running.runningSince)) / 1000;
    expect(job.runSeconds).toBeGreaterThanOrEqual(2);
    expect(job.runSeconds).toBeCloseTo(ranFor, 0);
    expect((await client(['status', running.id])).stdout).toMatch(/^Ran: +\d+s$/m);
  });
});

describe('a request no host of the cloud could ever satisfy', () => {
  it('is refused at submit, naming the term that holds on no host', async () => {
    // The check reads the tick's cluster view: the sessions above ran, so a tick recorded one.
    const cluster = await api(stack, 'GET', '/cluster', { token: stack.userToken });
    expect(cluster.body.hosts.length).toBeGreaterThan(0);
    const res = await submit({ service: 'nrt-service', args: ['1'], requirements: 'HYPERVISOR = "kvm" & NAME = "gpu-*"' });

    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('requirements');
    expect(res.body.error.message).toMatch(/NAME = "gpu-\*" holds on none of its \d+ hosts/);
  });

  it('is refused at submit when larger than the largest host, naming it; the CLI says which flag', async () => {
    // The largest host as GET /cluster shows it (node03, its CPUs overcommitted by RESERVED_CPU = -50%).
    const hosts: { name: string; cpu: { total: number } }[] = (await api(stack, 'GET', '/cluster', { token: stack.userToken })).body.hosts;
    const largest = hosts.reduce((a, b) => (b.cpu.total > a.cpu.total ? b : a));
    expect(largest.cpu.total).toBeLessThan(64);
    const res = await submit({ service: 'nrt-service', args: ['1'], vcpu: 64 });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('vcpu');
    expect(res.body.error.message).toContain(`the largest host, ${largest.name}, has ${largest.cpu.total} CPUs`);

    const cli = await client(['-r', 'nrt-service', '-a', '1', '--vcpu', '64']);
    expect(cli.code).toBe(EXIT.usage);
    expect(cli.stderr).toContain(`--vcpu`);
    expect(cli.stderr).toContain(largest.name);
  });

  it('waits when it asks to wait for such a host', async () => {
    const cli = await client(['-r', 'nrt-service', '-a', '1', '--requirements', 'NAME = "gpu-*"', '--wait-for-host', '--json']);
    expect(cli.code, cli.stderr).toBe(EXIT.ok);
    const job = JSON.parse(cli.stdout);
    expect(job.state).toBe('QUEUED');
    const cancelled = await api(stack, 'DELETE', `/jobs/${job.id}`, { token: stack.userToken });
    expect(cancelled.status).toBe(202);
  });
});
