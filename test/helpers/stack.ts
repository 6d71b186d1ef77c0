/**
 * The local stack for end-to-end tests: free ports, its own tables and a fresh copy of the
 * data repository per test file, near-zero simulator phases.
 */
import { startStack as start, type Stack, type StackOptions } from '../../local/stack';
import { FAST_TIMING } from '../../local/sim';
import { isFinal } from '../../lib/domain/job';

export type { Stack };

let n = 0;

export async function startStack(o: StackOptions & { cloud?: undefined } = {}): Promise<Stack> {
  n++;
  return start({
    stage: `t${process.pid}x${n}`,
    repositoryDir: 'copy',
    ...o,
    sim: { timing: FAST_TIMING, ...o.sim },
  });
}

export interface ApiResponse<T = any> {
  readonly status: number;
  readonly body: T;
}

/** One HTTP call to the stack's API, JSON in and out. */
export async function api<T = any>(stack: Pick<Stack, 'url'>, method: string, path: string, o: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<ApiResponse<T>> {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: {
      ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
      ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...o.headers,
    },
    body: o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, body: body as T };
}

/** Polls a job until `until` holds (default: a final state). */
export async function waitForJob(stack: Pick<Stack, 'url'>, token: string, id: string, until: (job: any) => boolean = (j) => isFinal(j.state), timeoutMs = 90_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let job: any;
  while (Date.now() < deadline) {
    job = (await api(stack, 'GET', `/jobs/${id}`, { token })).body;
    if (until(job)) return job;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`job ${id} did not reach the expected state in ${timeoutMs} ms; last: ${JSON.stringify(job)}`);
}
