/**
 * One XML-RPC call over HTTP with a deadline. The `xmlrpc` package has no timeout of its own:
 * the request gets an AbortSignal, and the timer both settles the call and aborts the request,
 * which destroys its socket.
 */
import http from 'node:http';
import https from 'node:https';
import xmlrpc from 'xmlrpc';
import { OneError, OneProtocolError, OneTimeoutError, OneUnavailableError, ONE_ERROR_CODES } from './errors';

/**
 * A string parameter always sent as escaped text. The package's own serializer switches to
 * CDATA when a string holds `<` or `&`, which drops every `\r` (XML line-end handling) and
 * breaks on a second `]]>`.
 */
class XmlRpcText extends xmlrpc.CustomType {
  override tagName = 'string';
}

export type XmlRpcParam = string | number | boolean;

export interface XmlRpcTransportOptions {
  readonly endpoint: string;
  readonly timeoutMs: number;
  readonly agent?: http.Agent;
}

/** Network failures: the server was not reached, or went away mid-call. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT',
  'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'ERR_STREAM_PREMATURE_CLOSE',
]);

interface CallError extends Error {
  code?: string;
  faultCode?: unknown;
  faultString?: string;
  res?: http.IncomingMessage;
}

/** Calls `method` with `params` and resolves with the decoded XML-RPC value. */
export function xmlRpcCall(method: string, params: readonly XmlRpcParam[], options: XmlRpcTransportOptions): Promise<unknown> {
  const url = new URL(options.endpoint);
  const secure = url.protocol === 'https:';
  const controller = new AbortController();
  const clientOptions = {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(url.port || (secure ? 443 : 80)),
    path: `${url.pathname}${url.search}`,
    agent: options.agent ?? (secure ? https.globalAgent : http.globalAgent),
    signal: controller.signal,
    ...(url.username ? { basic_auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
  } as Parameters<typeof xmlrpc.createClient>[0];
  const client = secure ? xmlrpc.createSecureClient(clientOptions) : xmlrpc.createClient(clientOptions);
  const wire = params.map((p) => (typeof p === 'string' ? new XmlRpcText(p) : p));

  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      controller.abort();
      reject(new OneTimeoutError(method, options.endpoint, options.timeoutMs));
    }, options.timeoutMs);
    client.methodCall(method, wire, (rawError: object | null, value: unknown) => {
      const error = rawError as CallError | null;
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(classify(method, options.endpoint, error));
      else resolve(value);
    });
  });
}

function classify(method: string, endpoint: string, error: CallError): Error {
  if (error.faultCode !== undefined) {
    // An XML-RPC fault: xmlrpc-c refused the call itself (unknown method, wrong parameter types).
    return new OneError(method, ONE_ERROR_CODES.XML_RPC_API, `XML-RPC fault ${String(error.faultCode)}: ${error.faultString ?? ''}`, { cause: error });
  }
  if (error.code !== undefined && UNAVAILABLE_CODES.has(error.code)) {
    return new OneUnavailableError(method, endpoint, error.code, { cause: error });
  }
  const response = error.res;
  if (response !== undefined && (response.statusCode !== 200 || !response.complete)) {
    // A proxy's error page, a 404 for a wrong path, or an answer cut short.
    const status = response.complete ? `HTTP ${response.statusCode}` : 'answer cut short';
    return new OneUnavailableError(method, endpoint, status, { cause: error });
  }
  if (error.message === 'Not Found') return new OneUnavailableError(method, endpoint, 'HTTP 404', { cause: error });
  return new OneProtocolError(method, error.message, { cause: error });
}
