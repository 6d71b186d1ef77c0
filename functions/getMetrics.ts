import { httpHandler } from '../lib/http/handler';
import { text } from '../lib/http/respond';
import { forbidden } from '../lib/http/errors';
import { app } from '../lib/app';

/** Prometheus' scrape: the text exposition format 0.0.4; an admin's token only (it shows every tenant's figures). */
export const handler = httpHandler(async (req) => {
  if (req.caller.role !== 'admin') throw forbidden('GET /metrics needs an admin token');
  const { metrics } = await app();
  return text(200, await metrics(), 'text/plain; version=0.0.4; charset=utf-8');
});
