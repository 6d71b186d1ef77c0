/**
 * Short jobs end to end under load, through one local stack (serverless-offline, DynamoDB Local,
 * the simulator running every job's start script): each job's guest runs its service and reports
 * its exit code, through OneGate and through the callback, as a real VM does. Every job must end
 * COMPLETED with code 0; none FAILED. Also measured, and bounded: tick invocations (kicks are
 * coalesced) and the API process's memory and threads.
 *
 * SVMSCHED_LOAD_JOBS sets the size (default 40 in `npm test`; `npm run test:load` runs 300).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startStack, type Stack } from '../helpers/stack';
import { listAllJobs } from './listAll';
import { isFinal } from '../../lib/domain/job';

const JOBS = Number(process.env.SVMSCHED_LOAD_JOBS ?? 40);
const WORKERS = 20;
/** Each job works this many seconds: short, so most of a job's life is the scheduler's. */
const WORK_SECONDS = '2';

/** pino lines of the functions, as serverless-offline prints them. */
const logLines: string[] = [];
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    // The tick's report is logged at info: it is how invocations are counted here.
    env: { LOG_LEVEL: 'info' },
    log: (line) => { if (line.includes('"svc":"svmsched"')) logLines.push(line); },
  });
}, 180_000);
afterAll(async () => { await stack?.stop(); });

/** The API process's peak resident memory and its threads now (Linux /proc). */
function processFigures(pid: number): { peakMb: number; threads: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { peakMb: Math.round(field('VmHWM') / 1024), threads: field('Threads') };
}

async function pool<T, R>(items: readonly T[], workers: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: workers }, async () => {
    while (next < items.length) out.push(await work(items[next++]!));
  }));
  return out;
}

/** One submit as a careful client sends it: retried with the same Idempotency-Key while the answer is unknown. */
async function submit(n: number): Promise<string> {
  const token = n % 2 === 0 ? stack.userToken : stack.otherUserToken;
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await api(stack, 'POST', '/jobs', {
        token, headers: { 'Idempotency-Key': `short-${process.pid}-${n}` },
        body: { service: 'nrt-service', vcpu: 1, memory: 256, args: [WORK_SECONDS] },
      });
      if (res.status === 202) return res.body.id;
      if (attempt >= 6 || ![401, 429, 500, 502, 503, 504].includes(res.status)) throw new Error(`submit ${n}: ${res.status} ${JSON.stringify(res.body)}`);
    } catch (err) {
      if (attempt >= 6) throw err;
    }
    await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
  }
}

describe(`${JOBS} short jobs with completion callbacks`, () => {
  it('all end COMPLETED with their own exit code, and a few ticks serve them all', { timeout: 1_500_000 }, async () => {
    const load0 = loadavg()[0]!;
    const t0 = performance.now();
    const ids = await pool(Array.from({ length: JOBS }, (_, n) => n), WORKERS, submit);
    const submitted = (performance.now() - t0) / 1000;
    expect(new Set(ids).size).toBe(JOBS);

    // Until every job is final (the cloud runs a few dozen at a time, so they go in waves).
    const deadline = Date.now() + 1_200_000;
    let jobs: any[] = [];
    for (;;) {
      jobs = await listAllJobs(stack, stack.adminToken);
      if (jobs.length === JOBS && jobs.every((j) => isFinal(j.state))) break;
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    const seconds = (performance.now() - t0) / 1000;
    const figures = processFigures(stack.apiPid);

    const byState = new Map<string, number>();
    for (const j of jobs) byState.set(j.state, (byState.get(j.state) ?? 0) + 1);
    const notCompleted = jobs.filter((j) => j.state !== 'COMPLETED').map((j) => `${j.id} ${j.state}: ${j.reason}`);
    expect(notCompleted.slice(0, 10), `${notCompleted.length} of ${JOBS} not COMPLETED`).toEqual([]);
    expect(jobs).toHaveLength(JOBS);
    expect(jobs.every((j) => j.exitCode === 0)).toBe(true);
    // Each job ran once: one VM each, every VM of the simulator DONE (no orphan).
    const vms = stack.sim.state.vms().filter((v) => v.jobId !== undefined && ids.includes(v.jobId));
    expect(vms).toHaveLength(JOBS);
    await expect.poll(() => stack.sim.state.vms().filter((v) => v.state !== 'DONE').length, { timeout: 30_000 }).toBe(0);
    // How each result arrived: the callback, or the VM's own record read by the tick.
    const viaOneGate = jobs.filter((j) => /recorded|OneGate/i.test(j.history.at(-1)?.reason ?? '')).length;

    // Ticks: coalesced kicks, never more than one running; far fewer invocations than submits and completions.
    // Counted as they start (a tick may still be at work); those over by now say whether they found the lease held.
    const ticks = logLines.filter((l) => l.includes('"msg":"tick invoked"'));
    const held = logLines.filter((l) => l.includes('"msg":"tick"') && l.includes('"skipped":"lease-held"')).length;
    expect(ticks.length).toBeGreaterThan(0);
    expect(ticks.length, 'tick invocations').toBeLessThan(Math.max(10, JOBS / 4));
    // The API process's memory is reported, not asserted: serverless-offline gives each concurrent
    // request a Lambda worker of its own, as AWS gives it a sandbox, so its peak follows how many
    // requests are in flight at once (here the clients and the guests finishing together), not how
    // many jobs went through. The probe saw 6.5 GB and 149 threads for 600 submits when every
    // submit and completion started a tick of its own.

    console.log([
      `load: ${JOBS} short jobs (${WORK_SECONDS} s of work each) from ${WORKERS} concurrent clients: submitted in ${submitted.toFixed(1)} s, all final in ${seconds.toFixed(1)} s`,
      `load: ${[...byState].map(([s, n]) => `${n} ${s}`).join(', ')}; results by callback ${JOBS - viaOneGate}, by OneGate ${viaOneGate}`,
      `load: ${ticks.length} tick invocations (${held} found the lease held) for ${JOBS} submits and ${JOBS} completions`,
      `load: API process (serverless-offline with its Lambda workers) peak ${figures.peakMb} MB resident, ${figures.threads} threads at the end`,
      `load: machine ${availableParallelism()} × ${cpus()[0]?.model ?? '?'}, load average ${load0.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after`,
    ].join('\n'));
  });
});
