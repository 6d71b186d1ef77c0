/**
 * Usage and output over the real stack: jobs run by the simulator (the start script really runs
 * the service and sends its output's tail with the callback), then GET /jobs/{id}/output, GET
 * /usage and `svmschedclient output` / `usage` (table, --json, --csv), the figures checked
 * against the jobs' own histories.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startStack, waitForJob, type Stack } from '../helpers/stack';
import { runClient } from '../cli/cliProcess';

let stack: Stack;
let ok: any;
let bad: any;

beforeAll(async () => {
  stack = await startStack();
  const submit = async (args: string[]) => {
    const res = await api(stack, 'POST', '/jobs', { token: stack.userToken, body: { service: 'example-service1', args } });
    expect(res.status).toBe(202);
    return res.body.id as string;
  };
  const [a, b] = [await submit(['/data/repository/file.dat']), await submit(['/data/repository/no-such-file.dat'])];
  [ok, bad] = await Promise.all([waitForJob(stack, stack.userToken, a), waitForJob(stack, stack.userToken, b)]);
}, 240_000);
afterAll(async () => { await stack?.stop(); });

const client = (args: string[], token = stack.userToken) => runClient(args, { env: { SVMSCHED_URL: stack.url, SVMSCHED_TOKEN: token } });
const between = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 1000;

describe('job output over the stack', () => {
  it('is what the service wrote, sent by its VM with the exit code', { timeout: 60_000 }, async () => {
    expect(ok).toMatchObject({ state: 'COMPLETED', exitCode: 0 });
    expect(bad).toMatchObject({ state: 'FAILED', exitCode: 66 });

    const good = await api(stack, 'GET', `/jobs/${ok.id}/output`, { token: stack.userToken });
    const failed = await api(stack, 'GET', `/jobs/${bad.id}/output`, { token: stack.adminToken });
    const other = await api(stack, 'GET', `/jobs/${ok.id}/output`, { token: stack.otherUserToken });
    const cli = await client(['output', bad.id]);

    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ jobId: ok.id, truncated: false });
    expect(good.body.output).toMatch(/^example-service1: \/data\/repository\/file\.dat: \d+ lines, \d+ words, \d+ bytes, sha256 [0-9a-f]{64}/m);
    expect(failed.body.output).toContain('example-service1: cannot read /data/repository/no-such-file.dat');
    expect(other.status).toBe(403);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('example-service1: cannot read /data/repository/no-such-file.dat');
  });

  it('stays behind the job\'s own callback token', { timeout: 30_000 }, async () => {
    const forged = await api(stack, 'POST', `/jobs/${ok.id}/complete`, { body: { token: 'x'.repeat(32), exitCode: 1, output: Buffer.from('forged').toString('base64') } });

    expect(forged.status).toBe(403);
    expect((await api(stack, 'GET', `/jobs/${ok.id}/output`, { token: stack.userToken })).body.output).not.toContain('forged');
  });
});

describe('usage over the stack', () => {
  it('answers GET /usage and svmschedclient usage with the jobs\' own figures', { timeout: 60_000 }, async () => {
    const day = ok.history.at(-1).at.slice(0, 10);
    const ran = (j: any) => j.history.reduce((s: number, e: any, i: number) => s + (e.to === 'RUNNING' && j.history[i + 1] ? between(e.at, j.history[i + 1].at) : 0), 0);

    const res = await api(stack, 'GET', `/usage?from=${day}&to=${day}&by=service`, { token: stack.userToken });
    const json = await client(['usage', '--from', day, '--to', day, '--by', 'service', '--json']);
    const csv = await client(['usage', '--from', day, '--to', day, '--by', 'service', '--csv']);
    const table = await client(['usage', '--from', day, '--to', day, '--by', 'service', '-t', 'seconds']);
    const badBy = await api(stack, 'GET', '/usage?by=account', { token: stack.userToken });

    expect(res.status).toBe(200);
    const row = res.body.rows.find((r: any) => r.key === 'example-service1');
    expect(row).toMatchObject({ jobs: 2, outcomes: { COMPLETED: 1, FAILED: 1 }, lostSeconds: 0, preemptedSeconds: 0 });
    expect(row.vcpuSeconds).toBeCloseTo(ok.vcpu * ran(ok) + bad.vcpu * ran(bad), 2);
    expect(row.memoryMbSeconds).toBeCloseTo(ok.memory * ran(ok) + bad.memory * ran(bad), 0);
    expect(JSON.parse(json.stdout)).toEqual(res.body);
    expect(csv.stdout.split('\r\n')[0]).toBe('service,from,to,jobs,vcpuSeconds,memoryMbSeconds,wallSeconds,waitSeconds,preemptedSeconds,lostSeconds,COMPLETED,FAILED');
    expect(csv.stdout.split('\r\n')[1]).toMatch(new RegExp(`^example-service1,${day},${day},2,`));
    expect(table.stdout).toMatch(/example-service1\s+2\s/);
    expect(badBy.status).toBe(400);
    expect(JSON.stringify(badBy.body)).toContain('by');
  });
});
