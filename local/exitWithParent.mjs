// Loaded with --import into serverless-offline's process by local/offline.ts. Its stdin is a pipe
// from the local stack's process, which never writes to it: the kernel closes it however that
// process ends (kill -9 included), and serverless-offline then ends too instead of keeping the
// ports. Plain JavaScript: it runs before any loader. Worker threads (where serverless-offline
// runs the handlers) inherit --import: there it must do nothing, or their stdin's end would stop them.
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  process.stdin.on('data', () => {});
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
}
