import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/respond';
import { app } from '../lib/app';

export const handler = httpHandler(async () => {
  const { jobs } = await app();
  return json(200, { services: jobs.services() });
});
