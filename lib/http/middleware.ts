import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { HttpError, badRequest, conflict, forbidden, notFound, payloadTooLarge, serviceUnavailable, tooManyRequests } from './errors';
import {
  CallbackTokenError, ClusterUnavailableError, CompletionNotLiveError, InvalidJobRequestError, JobAlreadyFinishedError,
  NotJobOwnerError, UnknownJobError, UserJobLimitError, VmStateUnknownError,
} from '../jobs/errors';
import { InvalidUsageQueryError } from '../jobs/errors';
import { IdempotencyKeyReusedError, InvalidCursorError } from '../store/errors';
import { json } from './respond';
import { validate } from './validation';
import { logger } from '../log';

type Mw = MiddlewareObj<APIGatewayProxyEvent & { parsedBody?: unknown }, APIGatewayProxyResult>;

/**
 * The body as text. API Gateway always gives a string (or null); serverless-offline gives the
 * parsed value for a falsy JSON body (`false`, `0`), which must not crash the handler.
 */
const rawBody = (event: APIGatewayProxyEvent): string => {
  const body: unknown = event.body;
  return typeof body === 'string' ? body : body === null || body === undefined ? '' : JSON.stringify(body);
};

/** Refuses bodies over `limit` bytes before anything parses them. */
export const bodyLimit = (limit: number): Mw => ({
  before: ({ event }) => {
    const raw = rawBody(event);
    const size = event.isBase64Encoded ? Math.floor((raw.length * 3) / 4) : Buffer.byteLength(raw);
    if (size > limit) throw payloadTooLarge(limit);
  },
});

/** Parses a JSON body (absent body = {}) and validates it against the request's schema. */
export const jsonBody = (schema?: object): Mw => ({
  before: ({ event }) => {
    let raw = rawBody(event);
    if (event.isBase64Encoded) raw = Buffer.from(raw, 'base64').toString('utf8');
    let parsed: unknown = {};
    if (raw.trim() !== '') {
      try {
        parsed = JSON.parse(raw);
      } catch {
        throw badRequest('body', 'body is not valid JSON');
      }
    }
    event.parsedBody = schema ? validate(schema, parsed) : parsed;
  },
});

/** The store's refusals that are the caller's doing, as the HTTP errors they are. */
function fromStore(err: unknown): HttpError | undefined {
  if (err instanceof InvalidCursorError) return badRequest('cursor', err.message);
  // The Idempotency-Key draft (draft-ietf-httpapi-idempotency-key-header) answers a reused key with 422.
  if (err instanceof IdempotencyKeyReusedError) return new HttpError(422, 'idempotency_key_reused', err.message, 'Idempotency-Key');
  return undefined;
}

/**
 * The job service's conditions, as the HTTP errors they are. Those that pass (OpenNebula
 * unreachable) are 503, with a message that says so (and no internal detail).
 */
function fromService(err: unknown): HttpError | undefined {
  if (err instanceof InvalidJobRequestError) return badRequest(err.field, err.message);
  if (err instanceof InvalidUsageQueryError) return badRequest(err.field, err.message);
  if (err instanceof NotJobOwnerError || err instanceof CallbackTokenError) return forbidden(err.message);
  if (err instanceof UnknownJobError) return notFound(err.message);
  if (err instanceof JobAlreadyFinishedError || err instanceof CompletionNotLiveError) return conflict(err.message);
  if (err instanceof UserJobLimitError) return tooManyRequests(err.message);
  if (err instanceof ClusterUnavailableError || err instanceof VmStateUnknownError) return serviceUnavailable(err.message);
  return undefined;
}

/** What an error answers over HTTP: a store's or the job service's condition mapped, any other error as it is. */
export const asHttpError = (err: unknown): unknown => fromStore(err) ?? fromService(err) ?? err;

/** Every error becomes a JSON body; internal ones are logged and never show their message or stack. */
export const jsonErrors = (): Mw => ({
  onError: (request) => {
    const err = asHttpError(request.error);
    if (err instanceof HttpError) {
      request.response = json(err.statusCode, { error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) } });
      return;
    }
    logger.error({ err, path: request.event.path }, 'request failed');
    request.response = json(500, { error: { code: 'internal', message: 'internal error' } });
  },
});

/** One structured log line per request. */
export const accessLog = (): Mw => {
  const started = new WeakMap<object, number>();
  const done = (request: { event: APIGatewayProxyEvent; response: APIGatewayProxyResult | null | undefined }) => {
    const t0 = started.get(request.event) ?? performance.now();
    const status = typeof request.response === 'object' && request.response ? request.response.statusCode : undefined;
    logger.info({ method: request.event.httpMethod, path: request.event.path, status, ms: Math.round(performance.now() - t0) }, 'http');
  };
  return {
    before: ({ event }) => void started.set(event, performance.now()),
    after: done,
    onError: done,
  };
};
