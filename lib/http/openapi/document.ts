/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the route table (./routes.ts). OpenAPI
 * 3.1 speaks JSON Schema 2020-12, so the schemas of schemas/ go into `components.schemas` as they
 * are; only their references change address: `"$ref": "job"` (another schema, by its $id) becomes
 * `#/components/schemas/job`, and `#/$defs/x` inside schema s becomes `#/components/schemas/s/$defs/x`.
 */
import { ERROR_DESCRIPTIONS, ROUTES, type Route } from './routes';
import errorSchema from '../../../schemas/error.json';
import jobEvent from '../../../schemas/jobEvent.json';
import jobState from '../../../schemas/jobState.json';
import service from '../../../schemas/service.json';
import pkg from '../../../package.json';

/** Schemas the routes reach only through a reference: found here by their $id. */
const REFERENCED: readonly object[] = [errorSchema, jobEvent, jobState, service];

/** Path parameters by name: every route with `{id}` takes a job id. */
const PATH_PARAMETERS: Readonly<Record<string, { description: string; schema: object }>> = {
  id: { description: 'the job\'s id', schema: { type: 'string', maxLength: 64, examples: ['j0m7q2x1k9a3f0c2b7d19e8a4c6'] } },
};

type Json = Record<string, unknown>;
const COMPONENT = '#/components/schemas/';

const idOf = (schema: object): string | undefined => (schema as { $id?: unknown }).$id as string | undefined;

/** A schema with its references pointing into components; `owner` is the $id the schema sits under. */
function relocate(node: unknown, owner: string | undefined, top = true): unknown {
  if (Array.isArray(node)) return node.map((n) => relocate(n, owner, false));
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$id' && top) continue;
    if (key === '$ref' && typeof value === 'string') {
      if (value.startsWith('#/')) {
        if (!owner) throw new Error(`a local reference ${value} in a schema without $id cannot be placed in the document`);
        out.$ref = `${COMPONENT}${owner}${value.slice(1)}`;
      } else {
        out.$ref = `${COMPONENT}${value}`;
      }
      continue;
    }
    out[key] = relocate(value, owner, false);
  }
  return out;
}

/** A schema as a document would use it: a reference when it has an $id (and is then a component), else inline. */
function use(schema: object, components: Map<string, object>): unknown {
  const id = idOf(schema);
  if (id === undefined) return relocate(schema, undefined);
  components.set(id, schema);
  return { $ref: `${COMPONENT}${id}` };
}

const firstExample = (schema: object): unknown => ((schema as { examples?: unknown[] }).examples ?? [])[0];

function parameters(route: Route): Json[] {
  const params: Json[] = [];
  for (const [, name] of route.path.matchAll(/\{([^}]+)\}/g)) {
    const p = PATH_PARAMETERS[name!];
    if (!p) throw new Error(`path parameter {${name}} of ${route.path} is not described (PATH_PARAMETERS)`);
    params.push({ name, in: 'path', required: true, description: p.description, schema: p.schema });
  }
  if (route.query) {
    const q = route.query as { $id?: string; properties?: Record<string, object>; required?: string[] };
    for (const [name, schema] of Object.entries(q.properties ?? {})) {
      const description = (schema as { description?: string }).description;
      params.push({ name, in: 'query', required: (q.required ?? []).includes(name), ...(description ? { description } : {}), schema: relocate(schema, q.$id, false) });
    }
  }
  for (const h of route.headers ?? []) params.push({ name: h.name, in: 'header', required: false, description: h.description, schema: h.schema });
  return params;
}

function operation(route: Route, components: Map<string, object>): Json {
  const errors = new Set<number>([...(route.auth === 'bearer' || route.auth === 'admin' ? [401] : []), ...(route.auth === 'admin' ? [403] : []), ...(route.errors ?? []), 500]);
  const responses: Json = {};
  for (const [status, r] of Object.entries(route.responses)) {
    const example = r.example ?? firstExample(r.schema);
    responses[status] = { description: r.description, content: { [r.contentType ?? 'application/json']: { schema: use(r.schema, components), ...(example !== undefined ? { example } : {}) } } };
  }
  for (const status of [...errors].sort()) {
    responses[String(status)] = { description: ERROR_DESCRIPTIONS[status] ?? 'error', content: { 'application/json': { schema: use(errorSchema, components) } } };
  }
  const params = parameters(route);
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: route.auth === 'admin' ? `${route.description} Admin token only.` : route.description,
    tags: route.tags,
    security: route.auth === 'bearer' || route.auth === 'admin' ? [{ bearer: [] }] : [],
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: use(route.body, components), ...(firstExample(route.body) !== undefined ? { example: firstExample(route.body) } : {}) } } } } : {}),
    responses,
  };
}

export interface OpenApiOptions {
  /** Where the API is served from: the stage's path on API Gateway (`/dev`), or `/`. */
  readonly basePath?: string;
}

/** The document: paths from the route table, components from the schemas the routes reach. */
export function openApiDocument(options: OpenApiOptions = {}): Json {
  const components = new Map<string, object>();
  const paths: Record<string, Json> = {};
  for (const route of ROUTES) (paths[route.path] ??= {})[route.method] = operation(route, components);
  // Schemas reached by reference, transitively: every $ref to an $id brings its schema.
  const byId = new Map([...REFERENCED, ...components.values()].map((s) => [idOf(s)!, s]));
  const pending = [...components.values()];
  while (pending.length > 0) {
    for (const [, ref] of JSON.stringify(pending.pop()).matchAll(/"\$ref":"([^#"][^"]*)"/g)) {
      const target = byId.get(ref!);
      if (!target) throw new Error(`schema reference "${ref}" names no schema of schemas/`);
      if (!components.has(ref!)) { components.set(ref!, target); pending.push(target); }
    }
  }
  const schemas = Object.fromEntries([...components].sort(([a], [b]) => a.localeCompare(b)).map(([id, s]) => [id, relocate(s, id)]));
  return {
    openapi: '3.1.0',
    info: {
      title: 'svmsched',
      version: pkg.version,
      description: 'Runs services as jobs on an OpenNebula cloud: submit a job, follow it, cancel it. Callers authenticate with a bearer token; users see and cancel their own jobs, admins everyone\'s.',
    },
    servers: [{ url: options.basePath || '/' }],
    tags: [...new Set(ROUTES.flatMap((r) => r.tags))].map((name) => ({ name })),
    paths,
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an API token (svmsched-admin issues them)' } },
    },
  };
}

/**
 * The path the API is served under: API Gateway's requestContext.path carries the stage
 * (`/dev/openapi.json`) where the event's path does not (`/openapi.json`).
 */
export function basePathOf(event: { path?: string; requestContext?: { path?: string } }): string {
  const full = event.requestContext?.path ?? '';
  const own = event.path ?? '';
  return own && full.endsWith(own) ? full.slice(0, full.length - own.length) : '';
}
