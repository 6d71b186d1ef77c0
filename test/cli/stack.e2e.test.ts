import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../lib/cli/errors';
// Imported, not looked for: a renamed helper fails this file instead of skipping it.
import { startStack } from '../helpers/stack';
import { type CliResult, runClient } from './cliProcess';

/**
 * svmschedclient against the whole local stack (DynamoDB Local, the OpenNebula simulator,
 * serverless-offline), through test/helpers/stack.ts.
 */
type Stack = Awaited<ReturnType<typeof startStack>>;

const JOB_TIMEOUT = 180_000;

describe('svmschedclient against the local stack', () => {
  let stack: Stack;
  let hostPort: string | undefined;
  let token: string;
  let client: (args: string[], env?: Record<string, string>) => Promise<CliResult>;

  beforeAll(async () => {
    stack = await startStack();
    const url = new URL(stack.url);
    hostPort = url.pathname === '/' || url.pathname === '' ? url.host : undefined;
    token = stack.userToken;
    // SVMSched's example input, in this test's own copy of the repository.
    if (stack.repositoryDir && !existsSync(join(stack.repositoryDir, 'file.dat'))) {
      writeFileSync(join(stack.repositoryDir, 'file.dat'), 'svmschedclient end-to-end test\nsecond line\n');
    }
    client = (args, env = {}) => runClient(args, { env: { SVMSCHED_URL: stack.url, SVMSCHED_TOKEN: token, ...env } });
  }, 300_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const submitted = async (args: string[]): Promise<string> => {
    const result = await client([...args, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return (JSON.parse(result.stdout) as { id: string }).id;
  };

  it('runs SVMSched\'s data line with --wait to COMPLETED and exit 0; --json has id, state, service, class, host, history', async () => {
    // Act
    const result = await client(['-H', hostPort ? `svmsched@server=${hostPort}` : stack.url, '--vcpu=2', '--memory=1024',
      '-r', 'example-service1', '-a', '/data/repository/file.dat', '-t', 'prod', '--wait', '--json']);

    // Assess
    expect(result.stderr).toBe('');
    expect(result.code).toBe(EXIT.ok);
    const job = JSON.parse(result.stdout);
    expect(job).toMatchObject({ state: 'COMPLETED', service: 'example-service1', class: 'prod', vcpu: 2, memory: 1024,
      args: ['/data/repository/file.dat'] });
    expect(typeof job.id).toBe('string');
    expect(typeof job.host).toBe('string');
    expect(job.history.map((e: { to: string }) => e.to)).toEqual(expect.arrayContaining(['QUEUED', 'RUNNING', 'COMPLETED']));
  }, JOB_TIMEOUT);

  it('--wait without a terminal prints one line per event and the final summary', async () => {
    // Act
    const result = await client(['--vcpu=2', '--memory=1024', '-r', 'nrt-service', '-a', '1', '-t', 'beff', '--wait']);

    // Assess
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toMatch(/^Submitted job \S+$/m);
    expect(result.stdout).toMatch(/→ RUNNING/);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(/^job \S+ · COMPLETED on \S+ · \S+ · \d+ preemptions?/);
    expect(result.stdout).not.toContain('\u001b[');
  }, JOB_TIMEOUT);

  it('status, logs and list show a submitted job; list filters by service and class', async () => {
    // Prepare
    const id = await submitted(['-r', 'example-service1', '-a', '/data/repository/file.dat', '-t', 'beff']);

    // Act
    const status = await client(['status', id, '--json']);
    const statusText = await client(['status', id]);
    const logs = await client(['logs', id]);
    const list = await client(['list', '--service', 'example-service1', '--class', 'beff', '--json']);
    const table = await client(['list']);

    // Assess
    expect(JSON.parse(status.stdout)).toMatchObject({ id, service: 'example-service1', class: 'beff' });
    expect(statusText.stdout).toMatch(new RegExp(`^Job:\\s+${id}$`, 'm'));
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain('QUEUED');
    const listed = JSON.parse(list.stdout) as { id: string; service: string; class: string }[];
    expect(listed.map((j) => j.id)).toContain(id);
    expect(listed.every((j) => j.service === 'example-service1' && j.class === 'beff')).toBe(true);
    expect(table.stdout).toMatch(/^ID\s+STATE\s+SERVICE/);
    expect(table.stdout).toContain(id);
  }, JOB_TIMEOUT);

  it('shows another user\'s escape sequences in job arguments escaped, and gives them back unchanged with --json', async () => {
    // Prepare: an argument that would clear the screen and print a green COMPLETED over the state.
    const hostile = '\u001b[2J\u001b[1A\u001b[32mCOMPLETED\u001b[0m\u009b2J\rState: COMPLETED';
    const id = await submitted(['-r', 'example-service1', '-a', hostile, '--requirements', 'NAME = "no-such-host"', '--wait-for-host']);

    // Act
    const shown = await Promise.all([client(['status', id]), client(['list'])]);
    const json = await client(['status', id, '--json']);

    // Assess
    for (const r of shown) {
      expect(r.code).toBe(EXIT.ok);
      expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    }
    expect(shown[0]!.stdout).toContain("Arguments:    '\\x1b[2J\\x1b[1A\\x1b[32mCOMPLETED\\x1b[0m\\x9b2J\\rState: COMPLETED'");
    expect(shown[0]!.stdout).not.toMatch(/^State:\s+COMPLETED/m);
    expect(JSON.parse(json.stdout).args).toEqual([hostile]);
    await client(['cancel', id]);
  }, JOB_TIMEOUT);

  it('cancel ends a job; following it then exits 1 naming CANCELLED', async () => {
    // Prepare
    const id = await submitted(['-r', 'prod-service', '-a', '600', '-t', 'prod']);

    // Act
    const cancel = await client(['cancel', id, '--json']);
    const wait = await client(['status', id, '--wait', '--json']);

    // Assess
    expect(cancel.code).toBe(EXIT.ok);
    expect(JSON.parse(cancel.stdout).id).toBe(id);
    expect(wait.code).toBe(EXIT.jobUnsuccessful);
    expect(JSON.parse(wait.stdout).state).toBe('CANCELLED');
    expect(wait.stderr).toContain('CANCELLED');
  }, JOB_TIMEOUT);

  it('one --idempotency-key makes one job', async () => {
    // Act
    const key = `cli-test-${Date.now()}`;
    const first = await submitted(['-r', 'example-service1', '-a', '/data/repository/file.dat', '--idempotency-key', key]);
    const second = await submitted(['-r', 'example-service1', '-a', '/data/repository/file.dat', '--idempotency-key', key]);

    // Assess
    expect(second).toBe(first);
  }, JOB_TIMEOUT);

  it('services lists example-service1 with its limits', async () => {
    // Act
    const json = await client(['services', '--json']);
    const text = await client(['services']);

    // Assess
    const services = JSON.parse(json.stdout) as { id: string }[];
    expect(services.map((s) => s.id)).toEqual(expect.arrayContaining(['example-service1', 'training-session']));
    expect(text.stdout).toMatch(/^example-service1\s+/m);
  });

  it('cluster shows every host\'s used and free capacity', async () => {
    // Act
    const json = await client(['cluster', '--json']);
    const text = await client(['cluster']);

    // Assess
    const { hosts } = JSON.parse(json.stdout) as { hosts: { name: string; cpu: { total: number; free: number } }[] };
    expect(hosts.length).toBeGreaterThan(0);
    expect(hosts[0].cpu.total).toBeGreaterThan(0);
    expect(text.stdout).toMatch(/^HOST\s+ID\s+STATE\s+CPU USED\/TOTAL/);
    expect(text.stdout).toContain(hosts[0].name);
    expect(text.stdout).toMatch(/\d+ hosts: CPU \[/);
  });

  it('takes -H as svmsched@server=HOST:PORT, as a URL and as HOST:PORT', async () => {
    // Prepare
    const forms = [stack.url, ...(hostPort ? [`svmsched@server=${hostPort}`, hostPort] : [])];

    // Act
    const results = await Promise.all(forms.map((form) => client(['-H', form, 'services', '--json'], { SVMSCHED_URL: '' })));

    // Assess
    for (const result of results) {
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    }
  });

  it('refuses someone else\'s job (exit 4)', async () => {
    // Prepare
    const id = await submitted(['-r', 'example-service1', '-a', '/data/repository/file.dat']);

    // Act
    const result = await client(['status', id], { SVMSCHED_TOKEN: stack.otherUserToken ?? 'someone-else' });

    // Assess
    expect(result.code).toBe(EXIT.auth);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('refuses a bad token (exit 4), an unknown job (exit 5) and a value the server refuses (exit 2, naming the flag)', async () => {
    // Act
    const badToken = await client(['list'], { SVMSCHED_TOKEN: 'not-a-token' });
    const unknown = await client(['status', 'no-such-job']);
    const tooBig = await client(['-r', 'example-service1', '--memory', '999999', '-a', '/data/repository/file.dat']);

    // Assess
    expect(badToken.code).toBe(EXIT.auth);
    expect(unknown.code).toBe(EXIT.notFound);
    expect(tooBig.code).toBe(EXIT.usage);
    expect(tooBig.stderr).toContain('--memory');
    for (const r of [badToken, unknown, tooBig]) expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
