import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { sleep } from '../lib/cli/io';
import { runCli } from '../lib/cli/run';

// The only place that ends the process: everything below returns an exit code.
const interrupt = new AbortController();
process.on('SIGINT', () => {
  // A second Ctrl-C means now.
  if (interrupt.signal.aborted) process.exit(130);
  interrupt.abort();
});

// A reader that stopped reading (`| head`) is not an error: stop quietly, as Unix tools do.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  home: process.env.HOME || homedir(),
  packageRoot: fileURLToPath(new URL('..', import.meta.url)),
  signal: interrupt.signal,
  now: Date.now,
  sleep,
});
// Let piped output drain before exiting.
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
process.exit(code);
