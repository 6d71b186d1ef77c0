import { httpHandler } from '../lib/http/handler';
import { html, csp } from 'svmsched:console-page';

/**
 * GET /: the web console. The page itself is public (it holds no data); its script calls the
 * API with the bearer token the person signs in with, which never reaches this handler: a link
 * /#token=… keeps the token in the fragment, which browsers do not send.
 */
export const handler = httpHandler(async () => ({
  statusCode: 200,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  },
  body: html,
}), { auth: false });
