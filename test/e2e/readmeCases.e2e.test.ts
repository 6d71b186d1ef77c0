/**
 * The README's production/best-effort case, typed as written on a fresh local stack (the
 * default cloud of local/fixtures/default.json): one best-effort array fills the cloud, so the
 * production job finds no room, preempts one element, and that element resumes once it is done.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../lib/cli/errors';
import { runClient } from '../cli/cliProcess';
import { api, startStack, waitForJob, type Stack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => { stack = await startStack(); }, 180_000);
afterAll(async () => { await stack?.stop(); });

const client = (line: string) => runClient(line.split(/\s+/).filter(Boolean), { env: { SVMSCHED_URL: stack.url, SVMSCHED_TOKEN: stack.userToken } });

describe('the README: production and best effort', () => {
  it('the prod job preempts an element of the beff array, which resumes after it', { timeout: 300_000 }, async () => {
    const filled = await client('--vcpu=8 --memory=2048 -r nrt-service -a 120 -t beff --count 12 --quiet');
    expect(filled.code, filled.stderr).toBe(EXIT.ok);
    const array = filled.stdout.trim();
    // The cloud is full once the array's elements made so far include one that waits for room.
    await waitForJob(stack, stack.userToken, array, (a) => (a.counts?.RUNNING ?? 0) > 0 && (a.elements ?? []).some((e: any) => e.state === 'QUEUED' && /room|fit|capacity|host/i.test(e.reason ?? '')), 120_000);

    const prod = await client('--vcpu=8 --memory=2048 -r prod-service -a 60 -t prod --wait --json');
    expect(prod.code, prod.stderr).toBe(EXIT.ok);
    const prodJob = JSON.parse(prod.stdout);

    const preempted = await waitForJob(stack, stack.userToken, array, (a) => (a.elements ?? []).some((e: any) => e.preemptions > 0 && e.state === 'RUNNING'), 120_000);
    const element = preempted.elements.find((e: any) => e.preemptions > 0);
    const status = await client(`status ${array}`);
    expect(status.stdout).toMatch(new RegExp(`${element.id} +RUNNING +\\S+ +\\d+ +1( |$)`, 'm'));
    const logs = await client(`logs ${element.id}`);
    expect(logs.code, logs.stderr).toBe(EXIT.ok);
    expect(logs.stdout).toContain('PREEMPTED');
    const path = element.history.map((h: any) => h.to);
    expect(path.join(' ')).toMatch(/RUNNING PREEMPTING PREEMPTED RESUMING RUNNING/);
    expect(element.history.find((h: any) => h.to === 'PREEMPTING').by).toBe(prodJob.id);
    await api(stack, 'DELETE', `/jobs/${array}`, { token: stack.userToken });
  });
});
