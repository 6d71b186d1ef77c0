import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/respond';
import { basePathOf, openApiDocument } from '../lib/http/openapi/document';

/** The API's OpenAPI document: public, like the API's shape; it holds no data. */
export const handler = httpHandler(async (req) => json(200, openApiDocument({ basePath: basePathOf(req.event) })), { auth: false });
