import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { errorFromResponse } from '../../lib/cli/api';
import { EXIT } from '../../lib/cli/errors';
import { runClient } from './cliProcess';

const request = { method: 'GET', path: '/jobs/J1', server: 'http://localhost:3000', tokenSource: 'env' };
const svmschedError = (code: string, message: string, field?: string) => ({ error: { code, message, ...(field && { field }) } });

describe('errorFromResponse: what each HTTP answer means to the person at the terminal', () => {
  it.each([
    [400, svmschedError('validation', 'must be <= 4096', 'memory'), EXIT.usage, ['must be <= 4096', '--memory']],
    [400, svmschedError('validation', 'unknown service', 'service'), EXIT.usage, ['unknown service', '-r/--service']],
    [401, svmschedError('auth', 'bad token'), EXIT.auth, ['bad token', 'env', 'SVMSCHED_TOKEN']],
    [401, { message: 'Unauthorized' }, EXIT.auth, ['Unauthorized']],
    [403, svmschedError('forbidden', 'job J1 is not yours'), EXIT.auth, ['not yours']],
    [404, svmschedError('not_found', 'no job J1'), EXIT.notFound, ['no job J1']],
    [409, svmschedError('conflict', 'job J1 is already COMPLETED'), EXIT.jobUnsuccessful, ['already COMPLETED']],
    [500, svmschedError('internal', 'boom'), EXIT.server, ['boom']],
    [503, undefined, EXIT.server, ['503', 'svmsched server']],
    [404, undefined, EXIT.server, ['404', 'check -H']],
  ] as const)('HTTP %i %j → exit %i', (status, body, exitCode, mentions) => {
    // Act
    const error = errorFromResponse(status, body, request);

    // Assess
    expect(error.exitCode).toBe(exitCode);
    for (const word of mentions) expect(error.message).toContain(word);
  });
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.concurrent('svmschedclient when it cannot do its job', () => {
  it('says the server is unreachable, on one line, with exit 3', async () => {
    // Prepare
    const port = await closedPort();

    // Act
    const result = await runClient(['-H', `svmsched@server=127.0.0.1:${port}`, '--token', 't', '--vcpu=2', '--memory=1024',
      '-r', 'example-service1', '-a', '/data/repository/file.dat']);

    // Assess
    expect(result.code).toBe(EXIT.server);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`http://127.0.0.1:${port}`);
    expect(result.stderr).toContain('connection refused');
  });

  it('asks for a token when none is found, with exit 4', async () => {
    // Prepare
    const port = await closedPort();

    // Act
    const result = await runClient(['status', 'J1', '-H', `http://10.0.0.1:${port}`]);

    // Assess
    expect(result.code).toBe(EXIT.auth);
    expect(result.stderr).toContain('--token');
    expect(result.stderr).toContain('SVMSCHED_TOKEN');
  });
});
