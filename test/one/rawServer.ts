/**
 * A bare HTTP server answering XML-RPC by hand, for what the simulator does not produce on
 * purpose: <i8> and untyped values, faults, proxy errors, answers cut short, silence.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RawServer {
  readonly url: string;
  /** Request bodies received, in order. */
  readonly bodies: string[];
  /** Sockets the server saw closed by the client. */
  closedSockets(): number;
  close(): Promise<void>;
}

export type RawHandler = (body: string, res: http.ServerResponse, req: http.IncomingMessage) => void;

export async function startRawServer(handler: RawHandler): Promise<RawServer> {
  const bodies: string[] = [];
  let closed = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      bodies.push(body);
      handler(body, res, req);
    });
  });
  server.on('connection', (socket) => socket.on('close', () => { closed += 1; }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/RPC2`,
    bodies,
    closedSockets: () => closed,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A methodResponse holding one array of raw <value> elements. */
export function xmlRpcArray(...values: string[]): string {
  return `<?xml version="1.0"?><methodResponse><params><param><value><array><data>${values.join('')}</data></array></value></param></params></methodResponse>`;
}

export function answer(res: http.ServerResponse, xml: string, status = 200): void {
  res.writeHead(status, { 'Content-Type': 'text/xml' });
  res.end(xml);
}
