import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/respond';
import { jobIdParam } from '../lib/http/params';
import { app } from '../lib/app';
import type { CompleteRequest } from '../lib/jobs/service';
import schema from '../schemas/completeJob.json';

/**
 * Room for the output tail (64 KB, base64) and more: a larger tail is cut, not refused. Beyond
 * this the body is refused (413), and the start script sends the exit code again without it.
 */
const COMPLETE_MAX_BODY = 256 * 1024;

/** The VM's callback: no bearer token, the job's own callback token in the body instead. */
export const handler = httpHandler<CompleteRequest>(async (req) => {
  const { jobs } = await app();
  return json(200, await jobs.complete(jobIdParam(req), req.body));
}, { schema, auth: false, maxBody: COMPLETE_MAX_BODY });
