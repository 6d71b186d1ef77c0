/** Whether a port answers on an address of this machine that other machines can reach. */
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';

/** An IPv4 address of this machine other than loopback, or undefined when it has none. */
export function nonLoopbackAddress(): string | undefined {
  return Object.values(networkInterfaces()).flat().find((a) => a && !a.internal && a.family === 'IPv4')?.address;
}

/** True when a TCP connection to host:port is accepted, false when it is refused. */
export function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((done, fail) => {
    const socket = connect({ host, port });
    socket.setTimeout(5_000, () => { socket.destroy(); fail(new Error(`no answer from ${host}:${port} within 5 s`)); });
    socket.once('connect', () => { socket.destroy(); done(true); });
    socket.once('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNREFUSED' ? done(false) : fail(err)));
  });
}
