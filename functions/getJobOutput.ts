import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/respond';
import { jobIdParam } from '../lib/http/params';
import { app } from '../lib/app';

export const handler = httpHandler(async (req) => {
  const { jobs } = await app();
  return json(200, await jobs.output(req.caller, jobIdParam(req)));
});
