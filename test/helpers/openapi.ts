/**
 * Checks answers against the OpenAPI document: the schema of the matching path, method, status and
 * media type, compiled by ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1) from the document itself.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>> };

export interface Checked {
  /** The document's path template the request matched, e.g. /jobs/{id}. */
  readonly template: string;
  readonly errors: readonly string[];
}

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

export function responseChecker(doc: object) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  ajv.addSchema(doc, 'openapi.json');
  const { paths } = doc as Doc;
  const templates = Object.keys(paths).map((t) => ({ t, re: new RegExp(`^${t.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`) }));
  return (method: string, url: string, status: number, contentType: string, body: unknown): Checked => {
    const path = url.split('?')[0]!;
    const template = templates.find((x) => x.re.test(path))?.t;
    if (!template) return { template: path, errors: [`no path of the document matches ${path}`] };
    const op = paths[template]![method.toLowerCase()];
    if (!op) return { template, errors: [`${method} ${template} is not in the document`] };
    const response = op.responses[String(status)];
    if (!response) return { template, errors: [`${method} ${template} does not document status ${status}`] };
    const media = Object.keys(response.content ?? {}).find((m) => m.split(';')[0] === contentType.split(';')[0]!.trim());
    if (!media) return { template, errors: [`${method} ${template} ${status} documents no ${contentType}`] };
    const validate = ajv.compile({ $ref: `openapi.json#/${pointer('paths', template, method.toLowerCase(), 'responses', String(status), 'content', media, 'schema')}` });
    return validate(body) ? { template, errors: [] } : { template, errors: (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`) };
  };
}
