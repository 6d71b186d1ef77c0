/**
 * Sharing the cloud, over the real stack, on a two-host cloud (4 CPUs each, 8 in all) and the
 * shipped configuration's tenants: acme (share 3: 6 CPUs guaranteed) and beta (share 1: 2 CPUs).
 * acme floods the whole cloud with best-effort work, borrowing beta's idle quarter; then beta
 * floods it too. Beta's jobs within its guarantee start in the tick its submit kicks, on room
 * reclaimed from acme's borrowed jobs; the rest of beta's wait for idle room; acme's victims
 * resume afterwards and complete their work.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startStack, waitForJob, type Stack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ sim: { fixture: path.resolve(__dirname, '../fixtures/stack/two-hosts.json') } });
}, 180_000);
afterAll(async () => { await stack?.stop(); });

type Job = { id: string; state: string; tenant?: string; preemptions: number; createdAt: string; reason?: string; history: { at: string; to: string; by?: string; reason: string }[] };

const TICK_INTERVAL_MS = 60_000;
const at = (job: Job, to: string) => job.history.filter((e) => e.to === to).map((e) => Date.parse(e.at));

describe('two tenants with shares 3:1', () => {
  it('the second tenant reclaims its borrowed guarantee within a tick; the first one\'s victims resume and complete', { timeout: 300_000 }, async () => {
    const acme = stack.tenantTokens.acme!;
    const beta = stack.tenantTokens.beta!;
    const submit = async (token: string, seconds: number) =>
      (await api(stack, 'POST', '/jobs', { token, body: { service: 'nrt-service', class: 'beff', vcpu: 1, memory: 512, args: [String(seconds)] } })).body as Job;

    // Prepare: acme fills the cloud (8 CPUs, 2 of them beta's idle quarter)
    const acmeJobs = await Promise.all(Array.from({ length: 8 }, () => submit(acme.token, 25)));
    expect(acmeJobs.map((j) => j.tenant)).toEqual(Array(8).fill('acme'));
    for (const j of acmeJobs) await waitForJob(stack, acme.token, j.id, (x) => x.state === 'RUNNING');
    const seen = await tenantsUntil(stack.adminToken, (t) => t.find((x) => x.id === 'acme')?.used?.runningJobs === 8);
    expect(seen.find((t) => t.id === 'acme')).toMatchObject({ share: 3, guaranteed: { vcpu: 6 }, used: { vcpu: 8 }, borrowed: { vcpu: 2 } });
    expect(seen.find((t) => t.id === 'beta')).toMatchObject({ share: 1, guaranteed: { vcpu: 2 }, used: { vcpu: 0 }, lent: { vcpu: 2 } });

    // Act: beta floods it too, with twice its guarantee
    const betaJobs = await Promise.all(Array.from({ length: 4 }, () => submit(beta.token, 5)));

    // Assess: two of beta's jobs (its guarantee) start in the tick their submit kicked, on reclaimed room
    const firstRunning = await Promise.race(betaJobs.map((j) => waitForJob(stack, beta.token, j.id, (x) => x.state === 'RUNNING' || x.state === 'COMPLETED'))) as Job;
    expect(firstRunning.tenant).toBe('beta');
    // It ran on room its victims had left: they are on their way out or stopped by now.
    const acmeAfter = await Promise.all(acmeJobs.map(async (j) => (await api(stack, 'GET', `/jobs/${j.id}`, { token: acme.token })).body as Job));
    const victims = acmeAfter.filter((j) => j.history.some((e) => e.to === 'PREEMPTING'));
    expect(victims).toHaveLength(2);
    const betaIds = new Set(betaJobs.map((j) => j.id));
    for (const v of victims) {
      const event = v.history.find((e) => e.to === 'PREEMPTING')!;
      expect(betaIds.has(event.by!)).toBe(true);
      expect(event.reason).toMatch(/beta/);
      // Within one tick of beta's submit: the kicked tick, not a scheduled one.
      const submitted = Math.min(...betaJobs.map((j) => Date.parse(j.createdAt)));
      expect(Date.parse(event.at) - submitted).toBeLessThan(TICK_INTERVAL_MS);
    }
    const reclaimedFor = new Set(victims.map((v) => v.history.find((e) => e.to === 'PREEMPTING')!.by!));
    expect(reclaimedFor.size).toBe(2);

    // Everything completes: beta's (the two beyond its guarantee once room is idle), and acme's victims after resuming
    const betaDone = await Promise.all(betaJobs.map((j) => waitForJob(stack, beta.token, j.id, undefined, 180_000))) as Job[];
    expect(betaDone.map((j) => j.state)).toEqual(Array(4).fill('COMPLETED'));
    for (const id of reclaimedFor) {
      const job = betaDone.find((j) => j.id === id)!;
      // Started once, on the reclaimed room: never waited for an acme job to end.
      expect(at(job, 'DISPATCHING')).toHaveLength(1);
      expect(at(job, 'DISPATCHING')[0]! - Date.parse(job.createdAt)).toBeLessThan(TICK_INTERVAL_MS);
      console.log(`beta job dispatched ${at(job, 'DISPATCHING')[0]! - Date.parse(job.createdAt)} ms after its submit, on room reclaimed from acme`);
    }
    const acmeDone = await Promise.all(acmeJobs.map((j) => waitForJob(stack, acme.token, j.id, undefined, 180_000))) as Job[];
    expect(acmeDone.map((j) => j.state)).toEqual(Array(8).fill('COMPLETED'));
    for (const v of victims) {
      const done = acmeDone.find((j) => j.id === v.id)!;
      expect(done.preemptions).toBe(1);
      expect(at(done, 'RESUMING').length).toBeGreaterThanOrEqual(1);
    }

    expect(stack.sim.state.capacityViolations()).toEqual([]);
    expect(stack.sim.state.jobOverlaps('running')).toEqual([]);
  });

  it('GET /tenants: a user sees the tenant its jobs run in, an admin every tenant', async () => {
    const ids = async (token: string) => ((await api(stack, 'GET', '/tenants', { token })).body as { tenants: { id: string; share: number }[] }).tenants.map((t) => [t.id, t.share]);

    expect(await ids(stack.tenantTokens.beta!.token)).toEqual([['beta', 1]]);
    expect(await ids(stack.tenantTokens.acme!.token)).toEqual([['acme', 3]]);
    expect(await ids(stack.userToken)).toEqual([['default', 0]]);
    expect(await ids(stack.adminToken)).toEqual(expect.arrayContaining([['acme', 3], ['beta', 1]]));
    expect((await api(stack, 'GET', '/tenants')).status).toBe(401);
  });
});

type TenantEntry = { id: string; share: number; guaranteed?: { vcpu: number }; used?: { vcpu: number; runningJobs: number }; borrowed?: { vcpu: number }; lent?: { vcpu: number } };

/** Polls GET /tenants until `until` holds: the tick saves its view every few seconds. */
async function tenantsUntil(token: string, until: (t: TenantEntry[]) => boolean, timeoutMs = 60_000): Promise<TenantEntry[]> {
  const deadline = Date.now() + timeoutMs;
  let last: TenantEntry[] = [];
  while (Date.now() < deadline) {
    last = ((await api(stack, 'GET', '/tenants', { token })).body as { tenants: TenantEntry[] }).tenants;
    if (until(last)) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`GET /tenants never showed what was awaited; last: ${JSON.stringify(last)}`);
}
