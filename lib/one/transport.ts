/**
 * One XML-RPC call over HTTP with a deadline. The timer settles the call and aborts the
 * request, which destroys its socket: a call that hangs never holds a connection.
 */
import http from 'node:http';
import https from 'node:https';
import { OneProtocolError, OneRpcFaultError, OneTimeoutError, OneUnavailableError } from './errors';
import { decodeMethodResponse, encodeMethodCall, type XmlRpcParam, type XmlRpcValue } from './xmlrpc';

export type { XmlRpcParam, XmlRpcValue } from './xmlrpc';

export interface XmlRpcTransportOptions {
  readonly endpoint: string;
  readonly timeoutMs: number;
  readonly agent?: http.Agent;
}

/** Calls `method` with `params` and resolves with the decoded answer value. */
export function xmlRpcCall(method: string, params: readonly XmlRpcParam[], options: XmlRpcTransportOptions): Promise<XmlRpcValue> {
  const { endpoint, timeoutMs } = options;
  const url = new URL(endpoint);
  const transport = url.protocol === 'https:' ? https : http;
  const body = Buffer.from(encodeMethodCall(method, params), 'utf8');
  const controller = new AbortController();

  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error: Error | undefined, value?: XmlRpcValue): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(value!);
    };
    const timer = setTimeout(() => {
      settle(new OneTimeoutError(method, endpoint, timeoutMs));
      controller.abort();
    }, timeoutMs);

    const request = transport.request(url, {
      method: 'POST',
      agent: options.agent,
      signal: controller.signal,
      headers: { 'Content-Type': 'text/xml', 'Content-Length': body.length, 'User-Agent': 'svmsched' },
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (error: NodeJS.ErrnoException) => settle(unavailable(method, endpoint, error.code ?? 'answer cut short', error)));
      response.on('end', () => {
        if (!response.complete) return settle(unavailable(method, endpoint, 'answer cut short'));
        // A proxy's error page, or a wrong path: oned itself always answers 200.
        if (response.statusCode !== 200) return settle(unavailable(method, endpoint, `HTTP ${response.statusCode}`));
        settle(...decode(method, Buffer.concat(chunks).toString('utf8')));
      });
    });
    request.on('error', (error: NodeJS.ErrnoException) => settle(unavailable(method, endpoint, error.code ?? error.message, error)));
    request.end(body);
  });
}

function decode(method: string, text: string): [Error | undefined, XmlRpcValue?] {
  let answer;
  try {
    answer = decodeMethodResponse(text);
  } catch (error) {
    return [new OneProtocolError(method, (error as Error).message, { cause: error })];
  }
  if (!answer.fault) return [undefined, answer.value];
  const faultCode = typeof answer.faultCode === 'number' ? answer.faultCode : undefined;
  return [new OneRpcFaultError(method, faultCode, answer.faultString)];
}

function unavailable(method: string, endpoint: string, detail: string, cause?: Error): OneUnavailableError {
  return new OneUnavailableError(method, endpoint, detail, cause === undefined ? undefined : { cause });
}
