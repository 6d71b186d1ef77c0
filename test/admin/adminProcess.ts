import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface AdminResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs svmsched-admin as an operator would, in its own process, with only the environment given. */
export function runAdmin(args: readonly string[], env: Record<string, string> = {}, via: 'ts' | 'shim' = 'ts'): Promise<AdminResult> {
  const entry = via === 'shim' ? ['bin/svmsched-admin.js'] : ['--import', 'tsx', 'bin/svmsched-admin.ts'];
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [...entry, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
