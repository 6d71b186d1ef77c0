import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type SvmschedConfig } from '../../lib/config';

const run = promisify(execFile);
const CONFIG = fileURLToPath(new URL('../../local/svmsched.xml', import.meta.url));

/** The local stack's services, run as the simulator runs a guest: the VM's / is SIM_ROOT, the repository mapped into it. */
describe('local/svmsched.xml services', () => {
  let config: SvmschedConfig;
  let simRoot: string;

  beforeAll(async () => {
    config = await loadConfig(CONFIG, {});
    simRoot = await mkdtemp(join(tmpdir(), 'svmsched-guest-'));
    const repo = config.repositories[0]!;
    await mkdir(join(simRoot, repo.mountPoint, '..'), { recursive: true });
    await cp(repo.localPath!, join(simRoot, repo.mountPoint), { recursive: true });
  });

  afterAll(async () => {
    await rm(simRoot, { recursive: true, force: true });
  });

  const guest = (executable: string, args: string[]) =>
    run(join(simRoot, executable), args, { env: { PATH: process.env.PATH, SIM_ROOT: simRoot, SIM_HOST: 'node01' } });

  it('ships an executable script for every service in the local repository', () => {
    // Assess
    for (const service of config.services) {
      const repo = config.repositories.find((r) => service.executable.startsWith(`${r.mountPoint}/`))!;
      expect(repo, service.id).toBeDefined();
      const local = join(repo.localPath!, service.executable.slice(repo.mountPoint.length));
      expect(() => accessSync(local, constants.X_OK), local).not.toThrow();
    }
  });

  it('example-service1 writes its result next to the data file', async () => {
    // Prepare
    const service = config.services.find((s) => s.id === 'example-service1')!;

    // Act
    await guest(service.executable, ['/data/repository/file.dat']);

    // Assess
    const result = await readFile(join(simRoot, 'data/repository/file.dat.result'), 'utf8');
    expect(result).toMatch(/^file: \/data\/repository\/file\.dat\nlines: 289\nwords: \d+\nbytes: \d+\nsha256: [0-9a-f]{64}\n/);
  });

  it('example-service1 fails with a reason when the file is missing', async () => {
    // Act
    const attempt = guest('/data/repository/bin/example-service1.sh', ['/data/repository/missing.dat']);

    // Assess
    await expect(attempt).rejects.toMatchObject({ code: 66, stderr: expect.stringContaining('cannot read /data/repository/missing.dat') });
  });

  it('training-session stays open until its lifetime ends the VM, and refuses a bad lifetime', async () => {
    // Prepare
    const service = config.services.find((s) => s.id === 'training-session')!;

    // Act
    const open = guest(service.executable, ['1']);
    const outcome = await Promise.race([open.then(() => 'ended', () => 'ended'), new Promise((r) => setTimeout(() => r('open'), 2_500))]);
    open.child.kill('SIGKILL');
    const bad = guest(service.executable, ['soon']);

    // Assess
    expect(outcome).toBe('open');
    await expect(bad).rejects.toMatchObject({ code: 64 });
  });

  it.each(['prod-service', 'nrt-service'])('%s works for the seconds given and refuses anything else', async (id) => {
    // Prepare
    const service = config.services.find((s) => s.id === id)!;

    // Act
    const { stdout } = await guest(service.executable, ['1']);
    const bad = guest(service.executable, ['soon']);

    // Assess
    expect(stdout).toContain('1/1 s (100%)');
    await expect(bad).rejects.toMatchObject({ code: 64 });
  });
});
