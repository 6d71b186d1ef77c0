import type { Job, JobClass, JobState, JobUsage, PreemptMode } from '../domain/job';
import type { Connection } from './config';
import { isLocalServer } from './server';
import {
  AuthError, CliError, JobConflictError, JobNotFoundError, ServerError, ServerUnreachableError, UsageError,
} from './errors';

/** POST /jobs body. */
export interface SubmitRequest {
  readonly service: string;
  readonly vcpu?: number;
  readonly memory?: number;
  readonly args?: readonly string[];
  readonly class?: JobClass;
  readonly priority?: number;
  readonly lifetime?: number;
  readonly runtimeEstimate?: number;
  readonly requirements?: string;
  readonly waitForHost?: boolean;
  readonly count?: number;
  readonly array?: string;
  readonly concurrency?: number;
  readonly dependsOn?: readonly { readonly job: string; readonly condition: 'ok' | 'notok' | 'any' }[];
}

export interface ListFilter {
  readonly state?: JobState;
  readonly class?: JobClass;
  readonly service?: string;
  /** Arrays' elements as rows too. */
  readonly elements?: boolean;
  readonly limit?: number;
  readonly cursor?: string;
}

export interface JobPage {
  readonly jobs: Job[];
  readonly cursor?: string;
}

export interface ServiceInfo {
  readonly id: string;
  readonly description?: string;
  readonly image?: string;
  readonly defaultVcpu?: number;
  readonly maxVcpu?: number;
  readonly defaultMemory?: number;
  readonly maxMemory?: number;
  readonly defaultLifetime?: number;
  readonly maxLifetime?: number;
  readonly preemptMode?: PreemptMode;
  readonly repositories?: readonly unknown[];
}

export interface Capacity {
  readonly total: number;
  readonly used: number;
  readonly free: number;
}

export interface ClusterHost {
  readonly id: number;
  readonly name: string;
  readonly cluster?: string | number;
  readonly state: string;
  /** CPUs. */
  readonly cpu: Capacity;
  /** MB. */
  readonly memory: Capacity;
  readonly runningVms: number;
  readonly jobs?: readonly { jobId: string; vmId?: number; service: string; class: JobClass; state: JobState }[];
}

export interface ClusterInfo {
  readonly hosts: ClusterHost[];
  readonly summary?: unknown;
}

/** vCPU and MB. */
export interface TenantAmount {
  readonly vcpu: number;
  readonly memoryMb: number;
}

/** One entry of GET /tenants: id and share always; the rest once a tick has seen the cloud. */
export interface TenantInfo {
  readonly id: string;
  readonly share: number;
  readonly description?: string;
  readonly fraction?: number;
  readonly guaranteed?: TenantAmount;
  readonly used?: TenantAmount & { readonly runningJobs: number };
  readonly usedShare?: number;
  readonly borrowed?: TenantAmount;
  readonly lent?: TenantAmount;
  readonly waiting?: TenantAmount & { readonly jobs: number };
  readonly limits?: { readonly vcpu?: number; readonly memoryMb?: number; readonly runningJobs?: number };
  readonly borrowLimit?: { readonly vcpu?: number; readonly memoryMb?: number };
}

export interface TenantsInfo {
  readonly tenants: TenantInfo[];
  readonly observedAt?: string;
}

export const DEFAULT_TIMEOUT_MS = 15_000;

/** The flag a user changes when the server refuses a field, so the message says what to type. */
const FLAG_OF_FIELD: Record<string, string> = {
  service: '-r/--service', vcpu: '--vcpu', memory: '--memory', args: '-a/--args', class: '-t/--type',
  priority: '--priority', lifetime: '--lifetime', runtimeEstimate: '--estimate', requirements: '--requirements',
};

/** GET /usage query: days as YYYY-MM-DD (UTC), both included. */
export interface UsageQuery {
  readonly from?: string;
  readonly to?: string;
  readonly by?: 'tenant' | 'user' | 'service';
  readonly user?: string;
}

/** One row of GET /usage: the figures of a finished job's usage, summed over a tenant, user or service. */
export type UsageRow = Pick<JobUsage, 'vcpuSeconds' | 'memoryMbSeconds' | 'wallSeconds' | 'preemptedSeconds' | 'lostSeconds' | 'waitSeconds'> & {
  readonly key: string;
  readonly jobs: number;
  readonly outcomes: Partial<Record<JobState, number>>;
};

export interface UsageReport {
  readonly from: string;
  readonly to: string;
  readonly by: 'tenant' | 'user' | 'service';
  readonly rows: readonly UsageRow[];
}

/** GET /jobs/{id}/output. */
export interface JobOutput {
  readonly jobId: string;
  readonly output: string;
  readonly truncated: boolean;
  readonly recordedAt?: string;
}

/** The svmsched HTTP API as the CLI uses it: one method per call, errors as CliError. */
export class SvmschedApi {
  constructor(
    private readonly connection: Pick<Connection, 'server' | 'token' | 'tokenSource'>,
    private readonly timeoutMs: number = DEFAULT_TIMEOUT_MS,
  ) {}

  submit(body: SubmitRequest, idempotencyKey?: string): Promise<Job> {
    return this.call<Job>('POST', '/jobs', body, idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {});
  }

  listJobs(filter: ListFilter = {}): Promise<JobPage> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) if (value !== undefined) query.set(key, String(value));
    const qs = query.toString();
    return this.call<JobPage>('GET', `/jobs${qs ? `?${qs}` : ''}`);
  }

  getJob(id: string): Promise<Job> {
    return this.call<Job>('GET', `/jobs/${encodeURIComponent(id)}`);
  }

  cancelJob(id: string): Promise<Job> {
    return this.call<Job>('DELETE', `/jobs/${encodeURIComponent(id)}`);
  }

  async services(): Promise<ServiceInfo[]> {
    return (await this.call<{ services: ServiceInfo[] }>('GET', '/services')).services ?? [];
  }

  cluster(): Promise<ClusterInfo> {
    return this.call<ClusterInfo>('GET', '/cluster');
  }

  tenants(): Promise<TenantsInfo> {
    return this.call<TenantsInfo>('GET', '/tenants');
  }

  usage(query: UsageQuery = {}): Promise<UsageReport> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, value);
    const qs = params.toString();
    return this.call<UsageReport>('GET', `/usage${qs ? `?${qs}` : ''}`);
  }

  jobOutput(id: string): Promise<JobOutput> {
    return this.call<JobOutput>('GET', `/jobs/${encodeURIComponent(id)}/output`);
  }

  private async call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const { server, token } = this.connection;
    if (!token) {
      const local = isLocalServer(server) ? ', or start the local stack (npm start), which writes .local-data/token' : '';
      throw new AuthError('auth.no_token',
        `no API token for ${server}: pass --token, set SVMSCHED_TOKEN, or put "token" in ~/.svmsched/config.json${local}`);
    }
    let response: Response;
    try {
      response = await fetch(`${server}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json',
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...headers,
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new ServerUnreachableError(server, networkReason(err, this.timeoutMs), { cause: err });
    }
    const text = await response.text().catch(() => '');
    const data = parseJson(text);
    if (response.ok) {
      if (data === undefined) {
        throw new ServerError('server.bad_response', `${method} ${path} at ${server} answered ${response.status} without JSON; is this an svmsched server?`);
      }
      return data as T;
    }
    throw errorFromResponse(response.status, data, { method, path, server, tokenSource: this.connection.tokenSource });
  }
}

export interface RequestContext {
  readonly method: string;
  readonly path: string;
  readonly server: string;
  readonly tokenSource?: string;
}

/**
 * Maps an HTTP error answer to the CliError a user should see. svmsched answers
 * {error: {code, message, field?}}; anything else (a proxy, API Gateway's {message}, another
 * program on that port) is reported as such, so a wrong -H is not mistaken for a missing job.
 */
export function errorFromResponse(status: number, body: unknown, request: RequestContext): CliError {
  const error = (body as { error?: { code?: unknown; message?: unknown; field?: unknown } } | undefined)?.error;
  const isSvmsched = typeof error === 'object' && error !== null && typeof error.message === 'string';
  const foreignMessage = typeof (body as { message?: unknown } | undefined)?.message === 'string'
    ? (body as { message: string }).message : typeof error === 'string' ? error : undefined;

  if (status === 401) {
    const message = isSvmsched ? error.message as string : foreignMessage ?? 'token refused';
    return new AuthError(isSvmsched && typeof error.code === 'string' ? error.code : 'auth.unauthorized',
      `${message} (token from ${request.tokenSource ?? 'flag'}; check --token or SVMSCHED_TOKEN)`);
  }
  if (status === 403) {
    return new AuthError(isSvmsched && typeof error.code === 'string' ? error.code : 'auth.forbidden',
      isSvmsched ? error.message as string : foreignMessage ?? 'forbidden: not your job');
  }
  if (!isSvmsched) {
    return new ServerError(`http.${status}`, `${request.method} ${request.path} at ${request.server} answered HTTP ${status}`
      + `${foreignMessage ? ` (${foreignMessage})` : ''}; is this an svmsched server? check -H/--server`);
  }
  const code = typeof error.code === 'string' ? error.code : `http.${status}`;
  const message = error.message as string;
  const field = typeof error.field === 'string' ? error.field : undefined;
  if (status === 400 || status === 422) {
    const flag = field ? FLAG_OF_FIELD[field.replace(/^\/+/, '').split(/[/.[]/)[0]] : undefined;
    return new UsageError(code, field ? `${message} (${flag ?? field})` : message);
  }
  if (status === 404) return new JobNotFoundError(message);
  if (status === 409) return new JobConflictError(code, message);
  if (status >= 500) return new ServerError(code, `server error: ${message}`);
  return new UsageError(code, message);
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function networkReason(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  const code = e.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET') return 'connection reset';
  return e.cause?.message ?? e.message ?? String(err);
}
