import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/respond';
import { jobIdParam } from '../lib/http/params';
import { app } from '../lib/app';
import type { CompleteRequest } from '../lib/jobs/service';
import schema from '../schemas/completeJob.json';

/** The VM's callback: no bearer token, the job's own callback token in the body instead. */
export const handler = httpHandler<CompleteRequest>(async (req) => {
  const { jobs } = await app();
  return json(200, await jobs.complete(jobIdParam(req), req.body));
}, { schema, auth: false, maxBody: 8 * 1024 });
