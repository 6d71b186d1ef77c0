/**
 * Job output in process, on DynamoDB Local and the simulator over XML-RPC: the completion keeps
 * the tail its VM sends, an oversized tail is cut to the last 64 KB and a malformed one dropped,
 * and in every case the exit code counts; the job's owner (or an admin) reads it back.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDynamoLocal } from '../helpers/dynamo';
import { inProcess, tickUntil, type InProcess } from '../helpers/inProcess';
import { FAST_TIMING, startSimulator, type Simulator } from '../../local/sim';
import { validate } from '../../lib/http/validation';
import { asHttpError } from '../../lib/http/middleware';
import { HttpError } from '../../lib/http/errors';
import type { CompleteRequest } from '../../lib/jobs/service';
import schema from '../../schemas/completeJob.json';

const dynamo = useDynamoLocal();
let sim: Simulator;
let app: InProcess;
beforeAll(async () => {
  sim = await startSimulator({ timing: FAST_TIMING, bootScripts: false, fixture: path.resolve(__dirname, '../fixtures/stack/two-hosts.json') });
  app = await inProcess(dynamo.client, await dynamo.freshTables(), sim.url);
});
afterAll(async () => { await sim?.close(); });

const alice = { user: 'alice', role: 'user' as const };
const bob = { user: 'bob', role: 'user' as const };
const admin = { user: 'root', role: 'admin' as const };

/** A running job of alice's completed by its VM with `body` (as the HTTP edge validates it), read back. */
async function completedWith(body: Record<string, unknown>) {
  const job = await app.jobs.submit(alice, { service: 'nrt-service', args: ['600'] });
  const running = await tickUntil(app, job.id, ['RUNNING']);
  const req = validate<CompleteRequest>(schema, { token: await app.vmToken(running), ...body });
  const done = await app.jobs.complete(job.id, req);
  return { done, output: await app.jobs.output(alice, job.id) };
}

describe('job output', () => {
  it('keeps the tail the completion carries, for the owner and admins', { timeout: 60_000 }, async () => {
    const text = 'line one\nlíne twö ✓\n';

    const { done, output } = await completedWith({ exitCode: 0, output: Buffer.from(text).toString('base64') });

    expect(done).toMatchObject({ state: 'COMPLETED', exitCode: 0 });
    expect(output).toMatchObject({ jobId: done.id, output: text, truncated: false });
    expect(await app.jobs.output(admin, done.id)).toMatchObject({ output: text });
    const refused = asHttpError(await app.jobs.output(bob, done.id).catch((e: unknown) => e));
    expect(refused).toBeInstanceOf(HttpError);
    expect((refused as HttpError).statusCode).toBe(403);
  });

  it('cuts an oversized tail to its last 64 KB, and the exit code counts', { timeout: 60_000 }, async () => {
    // 150 KB of numbered lines, a multi-byte character across the cut.
    const text = `${'é'.repeat(50_000)}${Array.from({ length: 6000 }, (_, i) => `line ${i}\n`).join('')}`;
    const bytes = Buffer.from(text);

    const { done, output } = await completedWith({ exitCode: 5, output: bytes.toString('base64') });

    expect(done).toMatchObject({ state: 'FAILED', exitCode: 5 });
    expect(output.truncated).toBe(true);
    expect(Buffer.byteLength(output.output)).toBeLessThanOrEqual(64 * 1024);
    expect(text.endsWith(output.output)).toBe(true);
    expect(Buffer.byteLength(output.output)).toBeGreaterThan(64 * 1024 - 4);
  });

  it('drops a malformed tail without refusing the completion', { timeout: 60_000 }, async () => {
    const notText = await completedWith({ exitCode: 0, output: { lines: ['a'] } });
    const notBase64 = await completedWith({ exitCode: 2, output: '%%% not base64 \u0000 %%%' });

    expect(notText.done).toMatchObject({ state: 'COMPLETED', exitCode: 0 });
    expect(notText.output).toMatchObject({ output: '', truncated: true });
    expect(notBase64.done).toMatchObject({ state: 'FAILED', exitCode: 2 });
    expect(typeof notBase64.output.output).toBe('string');
  });

  it('keeps the tail of a callback that comes after the tick settled the job (its VM\'s code through OneGate)', { timeout: 60_000 }, async () => {
    const job = await app.jobs.submit(alice, { service: 'nrt-service', args: ['600'] });
    const running = await tickUntil(app, job.id, ['RUNNING']);
    const token = await app.vmToken(running);
    await app.store.jobs.transition(job.id, 'RUNNING', 'COMPLETED', { exitCode: 0 }, { reason: 'service exited with code 0 (recorded by its VM through OneGate)' });

    const done = await app.jobs.complete(job.id, { token, exitCode: 0, output: Buffer.from('late\n').toString('base64') });

    expect(done).toMatchObject({ state: 'COMPLETED', exitCode: 0 });
    expect(await app.jobs.output(alice, job.id)).toMatchObject({ output: 'late\n', truncated: false });
    expect(await app.jobs.complete(job.id, { token: 'y'.repeat(32), exitCode: 0, output: 'Zm9yZ2Vk' }).catch((e: unknown) => e)).toBeInstanceOf(Error);
    expect((await app.jobs.output(alice, job.id)).output).toBe('late\n');
  });

  it('shows no output for a job whose completion sent none', { timeout: 60_000 }, async () => {
    const { done, output } = await completedWith({ exitCode: 0 });

    expect(done.state).toBe('COMPLETED');
    expect(output).toEqual({ jobId: done.id, output: '', truncated: false });
  });
});
