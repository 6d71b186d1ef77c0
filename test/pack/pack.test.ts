/**
 * The package `npm pack` makes, installed as a user elsewhere would: into an empty folder, from
 * its tarball, with no repository beside it. Its svmschedclient (the bundle prepack builds)
 * talks to a remote svmsched: here the local stack, over HTTP like any server.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack';

const ROOT = path.resolve(__dirname, '../..');
const run = promisify(execFile);

let stack: Stack;
let dir: string;
let tarball: string;
let installed: string[];

/** The installed client, started by its bin link, in the folder it was installed into (no repository, a fresh HOME). */
function client(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(dir, 'node_modules/.bin/svmschedclient'), args, {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: path.join(dir, 'home'), NO_COLOR: '1', SVMSCHED_URL: stack.url, SVMSCHED_TOKEN: stack.userToken },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'svmsched-pack-'));
  const [started] = await Promise.all([startStack(), (async () => {
    // prepack builds the bundles; the tarball goes outside the repository.
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, timeout: 120_000 });
    const packed = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    tarball = path.join(dir, packed[0]!.filename);
    await writeFile(path.join(dir, 'package.json'), '{"name":"elsewhere","private":true}\n');
    await run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', tarball], { cwd: dir, timeout: 120_000 });
    installed = await readdir(path.join(dir, 'node_modules'));
  })()]);
  stack = started;
}, 300_000);
afterAll(async () => {
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the packed client, installed from its tarball into an empty folder', () => {
  it('installs alone: no dependency, only the bundles and the README', async () => {
    expect(installed.filter((n) => n !== '.bin' && !n.startsWith('.'))).toEqual(['svmsched']);
    const files = (await readdir(path.join(dir, 'node_modules/svmsched'), { recursive: true })).sort();
    expect(files.filter((f) => !['README.md', 'package.json', 'dist'].includes(f) && !/^dist\/[\w-]+\.js$/.test(f))).toEqual([]);
    expect(files).toContain('dist/svmschedclient.js');
    const manifest = JSON.parse(await readFile(path.join(dir, 'node_modules/svmsched/package.json'), 'utf8'));
    expect(manifest.dependencies ?? {}).toEqual({});
  });

  it('submits, shows and lists jobs on a remote svmsched', async () => {
    const submitted = await client(['-r', 'example-service1', '-a', '/data/repository/file.dat', '--vcpu=1', '--memory=512', '--json']);
    expect(submitted.stderr).toBe('');
    expect(submitted.code).toBe(0);
    const { id, state } = JSON.parse(submitted.stdout) as { id: string; state: string };
    expect(state).toBe('QUEUED');

    const status = await client(['status', id, '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ id, service: 'example-service1', owner: 'alice' });

    const list = await client(['list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(id);
  });

  it('says which server it could not reach', async () => {
    const down = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(path.join(dir, 'node_modules/.bin/svmschedclient'), ['list'], {
        cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: path.join(dir, 'home'), SVMSCHED_URL: 'http://127.0.0.1:9', SVMSCHED_TOKEN: 'x' },
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(down.code).toBe(3);
    expect(down.stderr).toContain('127.0.0.1:9');
  });
});
