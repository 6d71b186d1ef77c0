import { UsageError } from './errors';

export const DEFAULT_PORT = 3000;

/**
 * Turns what a user gives as server into a base URL. Accepted forms:
 * - SVMSched's own `svmsched@server=HOST[:PORT]`
 * - a URL, `http://host:3000` or `https://api.example.org/prod`
 * - `host[:port]` (http, port 3000 unless given)
 */
export function parseServer(value: string): string {
  let text = value.trim();
  // SVMSched wrote the daemon's address as svmsched@server=HOST; the prefix carries no meaning here.
  const svmsched = /^[\w.-]*@server=(.*)$/i.exec(text);
  if (svmsched) text = svmsched[1].trim();
  if (text === '') throw new UsageError('server.invalid', `server '${value}' names no host (e.g. -H svmsched@server=localhost)`);

  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  // host[:port]: the port is 3000 unless given (checked on the text, since URL drops :80 for http).
  const hostPort = /^(\[[^\]]*\]|[^:/]*)(:\d*)?(\/.*)?$/.exec(text);
  const withScheme = hasScheme ? text
    : `http://${hostPort && !hostPort[2] ? `${hostPort[1]}:${DEFAULT_PORT}${hostPort[3] ?? ''}` : text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError('server.invalid', `server '${value}' is neither a URL nor host[:port]`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError('server.invalid', `server '${value}' must use http or https`);
  }
  if (url.search || url.hash) throw new UsageError('server.invalid', `server '${value}' must not carry ?query or #fragment`);
  return url.toString().replace(/\/+$/, '');
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** The local stack's token is only ever sent to a server on this machine. */
export const isLocalServer = (baseUrl: string): boolean => LOCAL_HOSTS.has(new URL(baseUrl).hostname);
