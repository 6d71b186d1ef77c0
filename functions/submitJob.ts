import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/respond';
import { app } from '../lib/app';
import type { SubmitRequest } from '../lib/jobs/service';
import schema from '../schemas/submitJob.json';

export const handler = httpHandler<SubmitRequest>(async (req) => {
  const { jobs } = await app();
  const job = await jobs.submit(req.caller, req.body, req.headers['idempotency-key']);
  return json(202, job);
}, { schema });
