/**
 * svmsched-simulate: replay a workload through the planner under several policies.
 *   npm run simulate -- --trace ../traces/KTH-SP2-1996-2.1-cln.swf.gz
 *   svmsched-simulate --synthetic --jobs 5000 --load 0.9 --json
 */
import { runSimulate } from '../lib/replay/program';

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const code = await runSimulate(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
process.exit(code);
