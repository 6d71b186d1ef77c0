/**
 * A recording XML-RPC proxy: put between svmsched (or any OpenNebula client) and an `oned`, it
 * forwards every call unchanged and keeps each request and answer, decoded, in order. What it
 * records against a real oned becomes the simulator's conformance fixtures
 * (test/fixtures/oned/, test/sim/conformance.test.ts). The session (first parameter) is never
 * kept: it holds the password.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { decodeMethodCall, decodeMethodResponse, I8, Double, type XmlRpcValue } from '../../lib/one/xmlrpc';
import { readBody, send } from './http';

/** A value as JSON keeps it: <i8> and <double> are tagged so a replay sends the same types. */
export type RecordedValue = string | number | boolean | null | { i8: string } | { double: number } | RecordedValue[] | { [name: string]: RecordedValue };

export interface Exchange {
  /** Position in the recording, from 0. */
  readonly seq: number;
  /** Milliseconds since the recording started (for reading a recording; replays ignore it). */
  readonly at: number;
  readonly method: string;
  /** The parameters after the session. */
  readonly params: RecordedValue[];
  /** `[success, value, code, ...]` as decoded, or the XML-RPC fault. */
  readonly answer: { readonly value: RecordedValue } | { readonly fault: { readonly code: RecordedValue; readonly message: string } };
  /** Set by the scenario that made the call: what the caller waited for before it (see the replay). */
  readonly note?: string;
}

export interface Recorder {
  readonly url: string;
  readonly exchanges: readonly Exchange[];
  /** Marks the next recorded exchange (e.g. `settled`): the replay waits for the same state before it. */
  noteNext(note: string): void;
  save(file: string, extra?: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export function toRecorded(v: XmlRpcValue): RecordedValue {
  if (v instanceof I8) return { i8: v.value.toString() };
  if (v instanceof Double) return { double: v.value };
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (Array.isArray(v)) return v.map(toRecorded);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toRecorded(x)]));
  return v;
}

/** Starts the proxy on `port` (0: a free one) in front of `target` (an oned /RPC2 URL). */
export async function startRecorder(target: string, port = 0): Promise<Recorder> {
  const exchanges: Exchange[] = [];
  const started = Date.now();
  let pendingNote: string | undefined;
  const upstream = new URL(target);
  const server: Server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      const answer = await forward(upstream, body);
      send(res, answer.status, answer.contentType, answer.body);
      let call;
      try { call = decodeMethodCall(body); } catch { return; /* not a call: passed on, not recorded */ }
      let decoded: Exchange['answer'];
      try {
        const a = decodeMethodResponse(answer.body);
        decoded = a.fault ? { fault: { code: toRecorded(a.faultCode), message: a.faultString } } : { value: toRecorded(a.value) };
      } catch {
        decoded = { fault: { code: answer.status, message: answer.body.slice(0, 500) } };
      }
      const note = pendingNote;
      pendingNote = undefined;
      exchanges.push({ seq: exchanges.length, at: Date.now() - started, method: call.method, params: call.params.slice(1).map(toRecorded), answer: decoded, ...(note ? { note } : {}) });
    } catch (e) {
      send(res, 502, 'text/plain', `recorder: ${(e as Error).message}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/RPC2`;
  return {
    url,
    exchanges,
    noteNext(note) { pendingNote = note; },
    async save(file, extra = {}) {
      await writeFile(file, `${JSON.stringify({ ...extra, exchanges }, null, 1)}\n`);
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function forward(target: URL, body: string): Promise<{ status: number; contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(target, { method: 'POST', headers: { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 502, contentType: String(res.headers['content-type'] ?? 'text/xml'), body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
