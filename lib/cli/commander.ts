/** What svmschedclient and svmsched-admin share of running a commander program. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';

interface Out {
  write(chunk: string): unknown;
}

/**
 * Commander writes help and version through `io` itself, but must neither exit nor print
 * errors: the caller turns them into one line and an exit code.
 */
export function quietCommander(cmd: Command, io: { readonly stdout: Out; readonly stderr: Out }): void {
  cmd.exitOverride().configureOutput({
    writeOut: (s) => void io.stdout.write(s),
    writeErr: (s) => void io.stderr.write(s),
    outputError: () => undefined,
  });
  for (const sub of cmd.commands) quietCommander(sub, io);
}

/** The package's version for --version; 0.0.0 when its package.json cannot be read. */
export function packageVersion(packageRoot: string | undefined): string {
  if (packageRoot === undefined) return '0.0.0';
  try {
    return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
