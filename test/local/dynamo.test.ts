/**
 * DynamoDB Local as the local stack starts it: on 127.0.0.1 only (it checks no credentials),
 * and gone when the process that started it is killed, even with SIGKILL.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoLocal, type DynamoLocal } from '../../local/dynamo';
import { freePort } from '../../local/ports';
import { accepts, nonLoopbackAddress } from '../helpers/reach';
import { ROOT } from '../../local/stack';

const address = nonLoopbackAddress();

describe('DynamoDB Local', () => {
  let local: DynamoLocal;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    local = await startDynamoLocal({ port, inMemory: true });
  });
  afterAll(async () => { await local?.stop(); });

  it('answers on 127.0.0.1', async () => {
    expect(await accepts('127.0.0.1', port)).toBe(true);
    expect(local.endpoint).toBe(`http://127.0.0.1:${port}`);
  });

  it.skipIf(address === undefined)(`is not reachable on this machine's other address (${address ?? 'none: skipped'})`, async () => {
    expect(await accepts(address!, port)).toBe(false);
  });
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('DynamoDB Local started by a process that is killed with SIGKILL', () => {
  it('ends too, freeing its port', { timeout: 120_000 }, async () => {
    // Prepare: a process that starts DynamoDB Local and says its pid and port.
    const port = await freePort();
    const script = `import { startDynamoLocal } from './local/dynamo.ts';
      const d = await startDynamoLocal({ port: ${port}, inMemory: true });
      console.log(JSON.stringify({ pid: d.pid }));`;
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = await createInterface({ input: parent.stdout })[Symbol.asyncIterator]().next().then((r) => [r.value as string]);
    const { pid } = JSON.parse(line!) as { pid: number };
    expect(alive(pid)).toBe(true);

    // Act
    parent.kill('SIGKILL');

    // Assess
    const deadline = Date.now() + 30_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(alive(pid)).toBe(false);
    expect(await accepts('127.0.0.1', port)).toBe(false);
  });
});
