/**
 * The fault suite (issue 5): the whole local stack with the simulator's fault injection on and
 * the tick killed at crash points, then every job must end COMPLETED, or FAILED with a reason,
 * judged from the simulator's own records. SVMSCHED_FAULT_SIZE=full (npm run test:faults)
 * submits 200 jobs; the default, run by `npm test`, a CI-sized 40.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/ports';
import { ONE_PASSWORD } from '../../local/stack';
import { loadConfig } from '../../lib/config';
import { api, startStack, type Stack } from '../helpers/stack';
import { FaultLog } from './faultLog';
import { jobMix, type JobRequest } from './jobMix';
import { report } from './report';
import { TickDriver } from './tickDriver';
import { judge, type JobView, type SubmittedJob } from './verdict';

const FULL = process.env.SVMSCHED_FAULT_SIZE === 'full';
const SIZE = FULL
  ? { name: 'full', jobs: 200, faultMs: 90_000, bootFailures: 12, refuseMs: 8_000, hostErrorMs: 15_000, settleMs: 15 * 60_000, timeoutMs: 30 * 60_000 }
  : { name: 'CI', jobs: 40, faultMs: 40_000, bootFailures: 4, refuseMs: 5_000, hostErrorMs: 10_000, settleMs: 4 * 60_000, timeoutMs: 9 * 60_000 };
const SEED = 20250105;

/**
 * Every step between two OpenNebula or DynamoDB writes, killed now and then. Not `after-lease`:
 * a tick killed there keeps the lease for its whole TTL (budget + 30 s, over 2 minutes), which
 * only stalls the suite: the lease is never renewed or shortened (lib/lifecycle/tick.ts).
 */
const CRASH_POINTS = [
  'after-dispatching=0.05', 'after-allocate=0.08', 'after-record-vm=0.05', 'after-deploy=0.08',
  'after-preempting=0.2', 'after-preempt-action=0.2', 'after-resuming=0.2', 'after-resume-action=0.2', 'after-final=0.1',
].join(',');

/** About 20 % of OpenNebula calls fail: 1 − (1 − 0.1)(1 − 0.06)(1 − 0.06) ≈ 0.205. */
const METHOD_FAILURES = [
  { method: 'one.*', rate: 0.1, mode: 'error' },
  { method: 'one.*', rate: 0.06, mode: 'drop' },
  { method: 'one.*', rate: 0.06, mode: 'lost-response' },
] as const;

const FINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let stack: Stack;
let ticks: TickDriver;
const faults = new FaultLog();
const repairs = new Map<string, number>();
const logFile = path.join(tmpdir(), `svmsched-faults-${process.pid}.log`);
const log = createWriteStream(logFile);
let unwatch = () => {};
/** A line in the run's log, to read svmsched's warnings against the faults. */
const mark = (what: string) => log.write(`[fault ${Date.now()}] ${what}\n`);

let partial = '';
/** svmsched's own warnings (each a thing it repaired or left to the next round), by message. */
function countRepairs(piece: string): void {
  // serverless-offline hands over output by chunk: a JSON line may come in two pieces.
  const line = partial + piece;
  partial = line.startsWith('{') && !line.trimEnd().endsWith('}') ? line : '';
  if (partial) return;
  log.write(`${line}\n`);
  if (!line.startsWith('{')) return;
  try {
    const entry = JSON.parse(line) as { level?: number; msg?: string };
    if ((entry.level ?? 0) >= 40 || entry.msg === 'ending orphan VM') repairs.set(entry.msg ?? '?', (repairs.get(entry.msg ?? '?') ?? 0) + 1);
  } catch { /* not a log entry */ }
}

beforeAll(async () => {
  const lambdaPort = await freePort();
  stack = await startStack({
    lambdaPort,
    sim: { fixture: path.resolve(__dirname, '../fixtures/faults/four-hosts.json') },
    // A tick started asynchronously (the kicks after submit and complete) that throws is an
    // unhandled rejection in serverless-offline, which ends the whole local stack: warn instead,
    // as Lambda records a failed asynchronous invocation (bug reported for local/offline.ts).
    env: { SVMSCHED_CRASH_POINTS: CRASH_POINTS, LOG_LEVEL: 'info', NODE_OPTIONS: '--unhandled-rejections=warn' },
    log: countRepairs,
  });
  ticks = new TickDriver(`http://127.0.0.1:${lambdaPort}`, `svmsched-${stack.stage}-tick`);
  unwatch = faults.watchSimulatorCalls((method) => log.write(`[sim ${Date.now()}] ${method}\n`));
}, 240_000);

let passed = false;
afterAll(async () => {
  unwatch();
  await ticks?.drain();
  await stack?.stop();
  log.end();
  // Kept only to read a failure.
  if (passed) await rm(logFile, { force: true });
}, 120_000);

/** Submits one job, retrying with the same Idempotency-Key if the answer is lost. */
async function submit(request: JobRequest, i: number): Promise<SubmittedJob> {
  const token = i % 2 === 0 ? stack.userToken : stack.otherUserToken;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const res = await api(stack, 'POST', '/jobs', { token, body: request, headers: { 'Idempotency-Key': `fault-suite-${i}` } });
      if (res.status === 202 || res.status === 200) return { id: res.body.id, request };
      if (attempt >= 3) throw new Error(`submit ${i}: ${res.status} ${JSON.stringify(res.body)}`);
    } catch (err) {
      if (attempt >= 3) throw err;
    }
    await sleep(500 * attempt);
  }
}

/** Every job, as an admin sees it (all pages). */
async function allJobs(): Promise<Map<string, JobView>> {
  const out = new Map<string, JobView>();
  let cursor: string | undefined;
  do {
    const res = await api(stack, 'GET', `/jobs?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: stack.adminToken });
    if (res.status !== 200) throw new Error(`GET /jobs: ${res.status} ${JSON.stringify(res.body)}`);
    for (const j of res.body.jobs as JobView[]) out.set(j.id, j);
    cursor = res.body.cursor;
  } while (cursor);
  return out;
}

/** Polls until `done` holds, or the deadline passes (then returns false). */
async function until(done: () => Promise<boolean> | boolean, deadlineMs: number, everyMs = 1_000): Promise<boolean> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await sleep(everyMs);
  }
  return done();
}

/** The host with the most VMs RUNNING, once one has at least `min` (or after `waitMs`). */
async function busiestHost(min: number, waitMs: number): Promise<number> {
  const busiest = () => {
    const running = new Map<number, number>();
    for (const vm of stack.sim.state.vms()) {
      if (vm.state === 'ACTIVE' && vm.lcmState === 'RUNNING' && vm.hostId !== undefined) running.set(vm.hostId, (running.get(vm.hostId) ?? 0) + 1);
    }
    return [...running].reduce((a, b) => (b[1] > a[1] ? b : a), [0, 0]);
  };
  await until(() => busiest()[1] >= min, waitMs, 250);
  return busiest()[0];
}

const runningVms = () => stack.sim.state.vms().filter((vm) => vm.state === 'ACTIVE' && vm.lcmState === 'RUNNING').length;

/** Runs `fn` over `items`, `n` at a time (as a few clients would), keeping the order. */
async function inPool<T, R>(items: readonly T[], n: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!, i);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/**
 * The faults, on a timeline over `faultMs`, while the jobs arrive in bursts (`submitBurst(k)`):
 * calls failing at random and several ticks at once all along; a stretch of slow calls (up to
 * 1.5 s each: the whole system crawls, so not longer), boots failing, a host in ERROR under
 * running VMs, and OpenNebula unreachable, in turn.
 */
async function faultPhase(submitBurst: (k: number) => Promise<void>): Promise<void> {
  const t = SIZE.faultMs;
  const started = Date.now();
  const failing = { seed: SEED, methodFailures: METHOD_FAILURES };
  stack.sim.faults.set({ ...failing, latency: [{ method: 'one.*', randomMs: 1_500 }] });
  mark('calls failing at random (20 %) and slow (up to 1.5 s)');
  ticks.start(1_500, 3);
  await submitBurst(0);
  stack.sim.faults.failBoots(SIZE.bootFailures);
  mark(`next ${SIZE.bootFailures} boots fail`);

  await sleep(t * 0.3);
  // Boot failures still armed are kept: set() would drop them.
  stack.sim.faults.set({ ...failing, bootFailures: stack.sim.faults.get().bootFailures });
  mark('calls failing at random (20 %), no longer slow');
  await submitBurst(1);
  const host = await busiestHost(2, 20_000);
  stack.sim.faults.hostError(host, true);
  faults.add('host in ERROR');
  mark(`host ${host} in ERROR`);
  await sleep(SIZE.hostErrorMs);
  stack.sim.faults.hostError(host, false);
  mark(`host ${host} back`);

  await submitBurst(2);
  await sleep(2_000);
  stack.sim.faults.refuseConnections(SIZE.refuseMs);
  faults.add(`OpenNebula unreachable (${SIZE.refuseMs / 1000} s)`);
  mark('OpenNebula unreachable');
  await sleep(SIZE.refuseMs);

  await sleep(Math.max(0, t - (Date.now() - started)));
  // The faults stop; the crash points stay on (they are the functions' environment).
  stack.sim.faults.clear();
  for (const h of stack.sim.state.hosts()) stack.sim.faults.hostError(h.id, false);
  mark('faults stop');
}

describe('svmsched under faults', () => {
  it(`ends every job COMPLETED or FAILED with a reason, runs none twice, overfills no host, leaves no VM (${SIZE.name} size: ${SIZE.jobs} jobs)`, { timeout: SIZE.timeoutMs }, async () => {
    // Prepare: a seeded mix; 60 % submitted in three bursts while the faults run, the rest once they stop.
    const started = Date.now();
    const mix = jobMix(SIZE.jobs, SEED);
    const early = Math.round(SIZE.jobs * 0.6);
    const submitted: SubmittedJob[] = [];
    // Within a burst the best-effort jobs come first; production arrives once some of them run,
    // finds the hosts full and preempts.
    const submitRange = async (from: number, to: number) => {
      const burst = mix.slice(from, to).map((r, i) => ({ r, i: from + i }));
      const beff = burst.filter((b) => b.r.class === 'beff');
      submitted.push(...await inPool(beff, 4, ({ r, i }) => submit(r, i)));
      await until(() => runningVms() >= Math.min(3, beff.length), 10_000, 250);
      submitted.push(...await inPool(burst.filter((b) => b.r.class === 'prod'), 4, ({ r, i }) => submit(r, i)));
    };
    const burst = Math.ceil(early / 3);

    // Act: the faults, then the rest of the jobs, then ticks until every job is final.
    await faultPhase((k) => submitRange(k * burst, Math.min(early, (k + 1) * burst)));
    const faultsEnded = Date.now();
    await submitRange(early, SIZE.jobs);

    let seen = new Map<string, JobView>();
    const allFinal = async () => {
      seen = await allJobs();
      return submitted.every((s) => FINAL.has(seen.get(s.id)?.state ?? ''));
    };
    ticks.start(2_000, 2);
    const settled = await until(allFinal, SIZE.settleMs, 2_000);
    // With every job final, the ticks end the VMs left over (a crash after the final step).
    await until(() => stack.sim.state.vms().every((vm) => vm.state === 'DONE'), 90_000);
    await ticks.drain();
    await allFinal();

    // Assess: from the simulator's own records.
    faults.addFromVmRecords(stack.sim.state.vms());
    const { jobs: { maxAttempts } } = await loadConfig(stack.configPath, { SVMSCHED_ONE_PASSWORD: ONE_PASSWORD });
    const verdict = await judge(stack.sim, submitted, seen, maxAttempts);
    const seconds = { faults: (faultsEnded - started) / 1000, total: (Date.now() - started) / 1000 };
    console.log(report({ size: SIZE.name, seconds, faults, ticks, verdict, repairs }));
    console.log(`svmsched's log of this run (removed if the suite passes): ${logFile}`);

    expect(settled, `jobs not final: ${verdict.lost.join(', ')}`).toBe(true);
    expect(verdict.lost).toEqual([]);
    expect(verdict.otherFinal).toEqual([]);
    expect(verdict.failedWithoutReason).toEqual([]);
    expect(verdict.failedEarly).toEqual([]);
    expect(verdict.completedUnconfirmed).toEqual([]);
    expect(verdict.doubleRuns).toEqual([]);
    expect(verdict.capacityViolations).toBe(0);
    expect(verdict.orphanVms.map((vm) => `${vm.id} (${vm.jobId}) ${vm.state}/${vm.lcmState}`)).toEqual([]);
    expect(verdict.strangerVms).toEqual([]);
    expect(verdict.completed + verdict.failed).toBe(SIZE.jobs);
    expect(faults.total).toBeGreaterThan(0);
    passed = true;
  });
});
