import { packageVersion, quietCommander } from './commander';
import { CommanderError } from 'commander';
import { createContext } from './context';
import { escapeTerminal } from './format/escape';
import { CliError, EXIT } from './errors';
import type { CliIo } from './io';
import { buildProgram } from './program';

/** Unexpected failures (a bug, not a user's or server's doing): EX_SOFTWARE. */
export const EXIT_INTERNAL = 70;

/**
 * Runs one command line and returns the exit code; every failure becomes one line on stderr.
 * bin/svmschedclient.ts is the only caller that exits the process.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const ctx = createContext(io);
  const program = buildProgram(ctx, packageVersion(io.packageRoot));
  quietCommander(program, io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.ok;
      // Commander's own exit for a bare `help` request is 0 too; everything else is a usage error.
      if (err.code === 'commander.help') return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      io.stderr.write(`svmschedclient: ${oneLine(err.message.replace(/^error: /, ''))}\n`);
      return EXIT.usage;
    }
    if (err instanceof CliError) {
      io.stderr.write(`svmschedclient: ${oneLine(err.message)}\n`);
      return err.exitCode;
    }
    io.stderr.write(`svmschedclient: internal error: ${oneLine(String((err as Error)?.stack ?? err).split('\n')[0])}\n`);
    return EXIT_INTERNAL;
  }
}

/** An error is one line, and may quote the server: its text is escaped (format/escape.ts). */
const oneLine = (text: string): string => escapeTerminal(text.replace(/\s*\n\s*/g, ' ').trim());

