/**
 * svmschedclient, a real process, against a server whose every string carries terminal escape
 * sequences (a hostile or compromised server, or another user's text it relays): whatever the
 * command, nothing reaches stdout or stderr that a terminal would act on, and --json gives the
 * data back unchanged.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../lib/domain/job';
import { ACTIVE, HOSTILE, hostileJob } from '../fixtures/hostileText';
import { runClient } from './cliProcess';

const JOB = hostileJob();
const FAILED = { ...hostileJob('j0000000000bbbbbbbbbbbbbbbb'), state: 'FAILED' as Job['state'] };
const QUEUED = { ...JOB, state: 'QUEUED' as Job['state'] };
const capacity = { total: 4, used: 1, free: 3 };

/** The answers of the hostile server, by "METHOD path". */
const ANSWERS: Record<string, [number, unknown]> = {
  [`GET /jobs/${JOB.id}`]: [200, JOB],
  [`GET /jobs/${FAILED.id}`]: [200, FAILED],
  [`DELETE /jobs/${JOB.id}`]: [202, JOB],
  'POST /jobs': [202, QUEUED],
  'GET /jobs': [200, { jobs: [JOB] }],
  'GET /services': [200, { services: [{ id: `svc${HOSTILE}`, description: HOSTILE, repositories: [HOSTILE] }] }],
  'GET /cluster': [200, { hosts: [{ id: 1, name: `host${HOSTILE}`, state: `ON${HOSTILE}`, cpu: capacity, memory: capacity, runningVms: 1,
    jobs: [{ jobId: HOSTILE, service: HOSTILE, class: 'prod', state: 'RUNNING' }] }] }],
};

let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const [status, body] = ANSWERS[`${req.method} ${req.url?.split('?')[0]}`]
      ?? [404, { error: { code: 'not_found', message: `job ${HOSTILE} does not exist` } }];
    req.resume();
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

const client = (args: string[]) => runClient(args, { env: { SVMSCHED_URL: url, SVMSCHED_TOKEN: 'a-token' } });

describe.concurrent('svmschedclient shows a hostile server\'s text escaped', () => {
  const commands: [string, string[]][] = [
    ['status', ['status', JOB.id]],
    ['list', ['list']],
    ['logs', ['logs', JOB.id]],
    ['cancel', ['cancel', JOB.id]],
    ['submit', ['-r', 'svc', '-a', 'x']],
    ['services', ['services']],
    ['cluster', ['cluster']],
    ['an error the server words', ['status', 'j0000000000cccccccccccccccc']],
    ['--wait on a job that failed', ['status', FAILED.id, '--wait', '--interval', '0.1']],
  ];
  for (const [name, args] of commands) {
    it(name, async () => {
      // Act
      const result = await client(args);

      // Assess
      const output = `${result.stdout}${result.stderr}`;
      expect(output).not.toMatch(ACTIVE);
      expect(output).toContain('\\x1b[2J');
      expect(output).not.toMatch(/^State: COMPLETED/m);
      expect(result.stderr.trimEnd().split('\n').length).toBeLessThanOrEqual(1);
    });
  }

  it('--json gives the server\'s data unchanged, with nothing raw a terminal would act on', async () => {
    // Act
    const result = await client(['status', JOB.id, '--json']);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(ACTIVE);
    expect(JSON.parse(result.stdout)).toMatchObject({ ...JOB, host: JOB.hostName });
  });
});
