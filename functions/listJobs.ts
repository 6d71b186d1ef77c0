import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/respond';
import { validate } from '../lib/http/validation';
import { app } from '../lib/app';
import type { ListRequest } from '../lib/jobs/service';
import schema from '../schemas/listJobsQuery.json';

export const handler = httpHandler(async (req) => {
  const { jobs } = await app();
  const query = validate<ListRequest>(schema, req.query, 'query');
  return json(200, await jobs.list(req.caller, query));
});
