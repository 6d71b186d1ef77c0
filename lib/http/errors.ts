/** HTTP-facing errors: each says whether its message may be shown (`expose`) and which status it maps to. */
export class HttpError extends Error {
  readonly expose: boolean;
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'HttpError';
    this.expose = statusCode < 500;
  }
}

export const badRequest = (field: string, message: string) => new HttpError(400, 'validation', message, field);
export const unauthorized = (message = 'missing or invalid bearer token') => new HttpError(401, 'unauthorized', message);
export const forbidden = (message: string) => new HttpError(403, 'forbidden', message);
export const notFound = (message: string) => new HttpError(404, 'not_found', message);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);
export const tooManyRequests = (message: string) => new HttpError(429, 'too_many_requests', message);
export const serviceUnavailable = (message: string) => new HttpError(503, 'unavailable', message);
export const payloadTooLarge = (limit: number) =>
  new HttpError(413, 'payload_too_large', `request body is larger than ${limit} bytes`);
