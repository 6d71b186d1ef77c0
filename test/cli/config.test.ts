import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveConnection } from '../../lib/cli/config';
import { ConfigFileInvalidError } from '../../lib/cli/errors';
import { runClient, tempDir } from './cliProcess';

/** A temporary HOME and package root, with the config file and the local stack's token as asked. */
function setting(home: string, root: string, files: { config?: unknown; localToken?: string }): void {
  if (files.config !== undefined) {
    mkdirSync(join(home, '.svmsched'), { recursive: true });
    writeFileSync(join(home, '.svmsched', 'config.json'),
      typeof files.config === 'string' ? files.config : JSON.stringify(files.config));
  }
  if (files.localToken !== undefined) {
    mkdirSync(join(root, '.local-data'), { recursive: true });
    writeFileSync(join(root, '.local-data', 'token'), `${files.localToken}\n`);
  }
}

describe('resolveConnection: flags, then environment, then ~/.svmsched/config.json, then the local stack', () => {
  let home: ReturnType<typeof tempDir>;
  let root: ReturnType<typeof tempDir>;
  beforeEach(() => {
    home = tempDir('svmsched-home-');
    root = tempDir('svmsched-root-');
  });
  afterEach(() => {
    home.remove();
    root.remove();
  });
  const resolve = (flags: { server?: string; token?: string }, env: Record<string, string> = {}) =>
    resolveConnection({ flags, env, home: home.path, packageRoot: root.path });

  it('takes the flags over everything else', () => {
    // Prepare
    setting(home.path, root.path, { config: { server: 'http://file:1', token: 'file-token' }, localToken: 'local-token' });

    // Act
    const c = resolve({ server: 'svmsched@server=flaghost', token: 'flag-token' },
      { SVMSCHED_URL: 'http://env:2', SVMSCHED_TOKEN: 'env-token' });

    // Assess
    expect(c).toMatchObject({ server: 'http://flaghost:3000', serverSource: 'flag', token: 'flag-token', tokenSource: 'flag' });
  });

  it('takes the environment over the config file', () => {
    // Prepare
    setting(home.path, root.path, { config: { server: 'http://file:1', token: 'file-token' } });

    // Act
    const c = resolve({}, { SVMSCHED_URL: 'env:2', SVMSCHED_TOKEN: 'env-token' });

    // Assess
    expect(c).toMatchObject({ server: 'http://env:2', serverSource: 'env', token: 'env-token', tokenSource: 'env' });
  });

  it('takes the config file over the local stack', () => {
    // Prepare
    setting(home.path, root.path, { config: { server: 'http://localhost:4000', token: 'file-token' }, localToken: 'local-token' });

    // Act
    const c = resolve({});

    // Assess
    expect(c).toMatchObject({ server: 'http://localhost:4000', serverSource: 'config', token: 'file-token', tokenSource: 'config' });
  });

  it('resolves server and token each on its own', () => {
    // Prepare
    setting(home.path, root.path, { config: { token: 'file-token' } });

    // Act
    const c = resolve({ server: 'http://other:5000' });

    // Assess
    expect(c).toMatchObject({ serverSource: 'flag', token: 'file-token', tokenSource: 'config' });
  });

  it('works with no setup against the local stack: localhost:3000 and .local-data/token', () => {
    // Prepare
    setting(home.path, root.path, { localToken: 'local-token' });

    // Act
    const c = resolve({});

    // Assess
    expect(c).toMatchObject({ server: 'http://localhost:3000', serverSource: 'default', token: 'local-token', tokenSource: 'local' });
  });

  it('never sends the local stack\'s token to another machine', () => {
    // Prepare
    setting(home.path, root.path, { localToken: 'local-token' });

    // Act
    const c = resolve({ server: 'https://svmsched.example.org' });

    // Assess
    expect(c.token).toBeUndefined();
    expect(c.tokenSource).toBe('none');
  });

  it.each([
    ['not JSON', '{server: nope'],
    ['not an object', '["http://x"]'],
    ['a token that is not a string', { token: 42 }],
  ])('refuses a config file that is %s, naming the file', (_what, config) => {
    // Prepare
    setting(home.path, root.path, { config });

    // Act
    const act = () => resolve({});

    // Assess
    expect(act).toThrow(ConfigFileInvalidError);
    expect(act).toThrow(join(home.path, '.svmsched', 'config.json'));
  });
});

describe.concurrent('svmschedclient config (a real process, temporary HOME)', () => {
  it('reports the server and token from the config file in HOME, masking the token', async () => {
    // Prepare
    const home = tempDir('svmsched-home-');
    setting(home.path, home.path, { config: { server: 'svmsched@server=cfg.example.org', token: 'file-token-123456' } });

    // Act
    const result = await runClient(['config', '--json'], { home: home.path });
    home.remove();

    // Assess
    expect(result.code).toBe(0);
    const view = JSON.parse(result.stdout);
    expect(view).toMatchObject({ server: 'http://cfg.example.org:3000', serverSource: 'config', tokenSource: 'config' });
    expect(result.stdout).not.toContain('file-token-123456');
  });

  it('lets the environment override the config file, and -H override the environment', async () => {
    // Prepare
    const home = tempDir('svmsched-home-');
    setting(home.path, home.path, { config: { server: 'http://cfg:1', token: 'file-token' } });
    const env = { SVMSCHED_URL: 'http://env.example.org:3100', SVMSCHED_TOKEN: 'env-token-abcdef' };

    // Act
    const fromEnv = await runClient(['config', '--json'], { home: home.path, env });
    const fromFlag = await runClient(['-H', 'flag.example.org:3200', 'config', '--json'], { home: home.path, env });
    home.remove();

    // Assess
    expect(JSON.parse(fromEnv.stdout)).toMatchObject({ server: 'http://env.example.org:3100', serverSource: 'env', tokenSource: 'env' });
    expect(JSON.parse(fromFlag.stdout)).toMatchObject({ server: 'http://flag.example.org:3200', serverSource: 'flag', tokenSource: 'env' });
  });

  it('refuses a broken config file with exit 2 and one line naming it', async () => {
    // Prepare
    const home = tempDir('svmsched-home-');
    setting(home.path, home.path, { config: '{oops' });

    // Act
    const result = await runClient(['list'], { home: home.path });
    home.remove();

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('.svmsched/config.json');
  });
});
