import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs svmschedclient as a user would, in its own process, with a clean environment: no
 * SVMSCHED_* from the caller and HOME set to `home` (a fresh temporary folder unless given).
 */
export function runClient(args: readonly string[], options: { env?: Record<string, string>; home?: string; via?: 'ts' | 'shim' } = {})
  : Promise<CliResult> {
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'svmsched-cli-home-'));
  const entry = options.via === 'shim' ? ['bin/svmschedclient.js'] : ['--import', 'tsx', 'bin/svmschedclient.ts'];
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1', ...options.env };
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...entry, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      if (!options.home) rmSync(home, { recursive: true, force: true });
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** A folder removed by the returned function. */
export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
