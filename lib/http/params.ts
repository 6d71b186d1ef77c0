import { isJobId } from '../jobs/jobId';
import { notFound } from './errors';
import type { HttpRequest } from './handler';

/** How much of an unknown id an error message quotes back. */
const QUOTED_ID_LENGTH = 40;

/**
 * The `{id}` of /jobs/{id} routes. An id that cannot be a job's is refused here with the same
 * 404 as an unknown one, before it reaches the store (DynamoDB refuses keys over 2,048 bytes
 * with an error that would be a 500), and quoted only in part.
 */
export function jobIdParam(req: Pick<HttpRequest, 'params'>): string {
  const id = req.params.id ?? '';
  if (!isJobId(id)) {
    const shown = id.length > QUOTED_ID_LENGTH ? `${id.slice(0, QUOTED_ID_LENGTH)}…` : id;
    throw notFound(`job ${shown} does not exist`);
  }
  return id;
}
