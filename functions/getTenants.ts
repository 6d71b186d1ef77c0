import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/respond';
import { app } from '../lib/app';

export const handler = httpHandler(async (req) => {
  const { tenants } = await app();
  return json(200, await tenants.list(req.caller));
});
