import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/respond';
import { validate } from '../lib/http/validation';
import { app } from '../lib/app';
import type { UsageRequest } from '../lib/jobs/usage';
import schema from '../schemas/usageQuery.json';

export const handler = httpHandler(async (req) => {
  const { usage } = await app();
  const query = validate<UsageRequest>(schema, req.query, 'query');
  return json(200, await usage.report(req.caller, query));
});
