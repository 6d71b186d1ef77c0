/**
 * The console's calls to svmsched's HTTP API, with the bearer token the person signed in with.
 * The API lives beside the page: `/` serves the page, `/jobs` the jobs, under whatever stage
 * prefix API Gateway puts in front of both.
 */

/** The endpoint does not exist on this server (an older or partial deployment): the page says so. */
export class NotAvailable extends Error {
  constructor(readonly path: string) {
    super(`${path} is not available on this server`);
  }
}

/** The API refused, with svmsched's error body ({ error: { code, message, field? } }). */
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly code?: string, readonly field?: string) {
    super(message);
  }
}

/** The folder the page was served from: relative API paths resolve against it. */
export function apiBase(pathname: string): string {
  return pathname.endsWith('/') ? pathname : `${pathname}/`;
}

export class Api {
  constructor(private readonly base: string, private readonly token: () => string | undefined, private readonly onUnauthorized: () => void) {}

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = this.token();
    const res = await fetch(this.base + path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
    const text = await res.text();
    let parsed: any = text;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { /* text, as the output of a job may be */ }
    if (res.ok) return parsed as T;
    if (res.status === 401) this.onUnauthorized();
    const err = parsed?.error;
    // A route the server does not have: serverless-offline answers 404 without svmsched's error
    // shape; API Gateway answers 403 "Missing Authentication Token" (in that shape, resources/gateway.yml).
    const noRoute = (res.status === 404 && err?.code !== 'not_found') || (res.status === 403 && /Missing Authentication Token/i.test(String(err?.message ?? parsed?.message ?? '')));
    if (noRoute) throw new NotAvailable(path.split('?')[0]!);
    throw new ApiError(res.status, typeof err?.message === 'string' ? err.message : `${method} ${path}: ${res.status} ${typeof parsed === 'string' ? parsed.slice(0, 200) : ''}`, err?.code, err?.field);
  }
}
