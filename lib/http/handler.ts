import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { accessLog, bodyLimit, jsonBody, jsonErrors } from './middleware';
import { unauthorized } from './errors';
import { contextSecret, isSealed } from './contextSeal';
import type { Caller } from '../domain/caller';


/** What a handler's logic sees of a request: parsed, validated, with the authenticated caller. */
export interface HttpRequest<B = unknown> {
  readonly body: B;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly caller: Caller;
  readonly event: APIGatewayProxyEvent;
}

export interface HttpHandlerOptions {
  /** JSON Schema of the body. */
  readonly schema?: object;
  /** Largest accepted body in bytes (413 beyond). */
  readonly maxBody?: number;
  /** false for the VM callback, which carries its own per-job token instead of a bearer token. */
  readonly auth?: boolean;
}

export const DEFAULT_MAX_BODY = 64 * 1024;

/**
 * The caller the API Gateway Lambda authorizer (functions/authorizer) put in the request context;
 * with a context secret set (the local stack), only a context the authorizer sealed (./contextSeal.ts).
 */
function callerOf(event: APIGatewayProxyEvent): Caller | undefined {
  const ctx = event.requestContext?.authorizer as Record<string, unknown> | null | undefined;
  const user = ctx?.user;
  const role = ctx?.role;
  // API Gateway passes context values as strings; an empty one is no tenant.
  const tenant = typeof ctx?.tenant === 'string' && ctx.tenant !== '' ? ctx.tenant : undefined;
  if (typeof user !== 'string' || (role !== 'user' && role !== 'admin')) return undefined;
  const secret = contextSecret();
  if (secret !== undefined && !isSealed({ user, role, tenant, sealedAt: ctx?.sealedAt, seal: ctx?.seal }, secret, Date.now())) return undefined;
  return { user, role, ...(tenant !== undefined ? { tenant } : {}) };
}

/** A thin middy stack: size limit, JSON body + schema, auth context, JSON errors, access log. */
export function httpHandler<B>(
  main: (req: HttpRequest<B>) => Promise<APIGatewayProxyResult>,
  options: HttpHandlerOptions = {},
) {
  const auth = options.auth ?? true;
  return middy<APIGatewayProxyEvent & { parsedBody?: unknown }, APIGatewayProxyResult>()
    .use(accessLog())
    .use(jsonErrors())
    .use(httpHeaderNormalizer())
    .use(bodyLimit(options.maxBody ?? DEFAULT_MAX_BODY))
    .use(jsonBody(options.schema))
    .handler(async (event) => {
      const caller = callerOf(event);
      if (auth && !caller) throw unauthorized();
      return main({
        body: event.parsedBody as B,
        params: (event.pathParameters ?? {}) as Record<string, string>,
        query: (event.queryStringParameters ?? {}) as Record<string, string>,
        headers: (event.headers ?? {}) as Record<string, string>,
        caller: caller ?? { user: 'vm', role: 'user' },
        event,
      });
    });
}
