import { packageVersion, quietCommander } from '../cli/commander';
import { CommanderError } from 'commander';
import { escapeTerminal } from '../cli/format/escape';
import { ADMIN_EXIT, AdminError } from './errors';
import { buildAdminProgram, type AdminIo } from './program';

/**
 * Runs one svmsched-admin command line and returns the exit code; every failure becomes one
 * line on stderr. bin/svmsched-admin.ts is the only caller that exits the process.
 */
export async function runAdmin(argv: readonly string[], io: AdminIo, packageRoot?: string): Promise<number> {
  const program = buildAdminProgram(io, packageVersion(packageRoot));
  quietCommander(program, io);
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

/** An error is one line, and may quote DynamoDB or OpenNebula: its text is escaped. */
const oneLine = (text: string): string => escapeTerminal(text.replace(/\s*\n\s*/g, ' ').trim());

