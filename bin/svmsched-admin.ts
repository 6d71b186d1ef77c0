import { fileURLToPath } from 'node:url';
import { runAdmin } from '../lib/admin/run';

// An operator's command: the SDK's notice about future Node versions is not theirs to act on.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// The only place that ends the process: everything below returns an exit code.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const code = await runAdmin(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }, fileURLToPath(new URL('..', import.meta.url)));
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
process.exit(code);
