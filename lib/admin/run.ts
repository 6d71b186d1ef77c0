import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommanderError, type Command } from 'commander';
import { ADMIN_EXIT, AdminError } from './errors';
import { buildAdminProgram, type AdminIo } from './program';

/**
 * Runs one svmsched-admin command line and returns the exit code; every failure becomes one
 * line on stderr. bin/svmsched-admin.ts is the only caller that exits the process.
 */
export async function runAdmin(argv: readonly string[], io: AdminIo, packageRoot?: string): Promise<number> {
  const program = buildAdminProgram(io, packageVersion(packageRoot));
  // Commander prints help and version itself, but must neither exit nor print errors: we print one line.
  const quiet = (cmd: Command): void => {
    cmd.exitOverride().configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
      outputError: () => undefined,
    });
    cmd.commands.forEach(quiet);
  };
  quiet(program);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ADMIN_EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return ADMIN_EXIT.ok;
      if (err.code === 'commander.help' || err.code === 'commander.executeSubCommandAsync') return err.exitCode === 0 ? ADMIN_EXIT.ok : ADMIN_EXIT.usage;
      io.stderr.write(`svmsched-admin: ${oneLine(err.message.replace(/^error: /, ''))}\n`);
      return ADMIN_EXIT.usage;
    }
    if (err instanceof AdminError) {
      io.stderr.write(`svmsched-admin: ${oneLine(err.message)}\n`);
      return err.exitCode;
    }
    io.stderr.write(`svmsched-admin: internal error: ${oneLine(String((err as Error)?.stack ?? err).split('\n')[0]!)}\n`);
    return ADMIN_EXIT.internal;
  }
}

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();

function packageVersion(packageRoot: string | undefined): string {
  if (packageRoot === undefined) return '0.0.0';
  try {
    return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
