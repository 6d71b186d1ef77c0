/**
 * Every HTTP route of svmsched, one entry each: the table the OpenAPI document is generated from
 * (./document.ts). Request and response bodies are the JSON Schemas of schemas/, the same objects
 * the handlers validate with, so the document cannot drift from what the API checks.
 *
 * A new endpoint is one entry here (and its function in serverless.yml): test/http/openapi.test.ts
 * fails while a route of serverless.yml has no entry, or an entry no route.
 */
import submitJob from '../../../schemas/submitJob.json';
import completeJob from '../../../schemas/completeJob.json';
import listJobsQuery from '../../../schemas/listJobsQuery.json';
import job from '../../../schemas/job.json';
import jobPage from '../../../schemas/jobPage.json';
import serviceList from '../../../schemas/serviceList.json';
import cluster from '../../../schemas/cluster.json';
import tenantList from '../../../schemas/tenantList.json';
import usageQuery from '../../../schemas/usageQuery.json';
import usageReport from '../../../schemas/usageReport.json';
import jobOutput from '../../../schemas/jobOutput.json';

/** Who may call: any bearer token, an admin's only, the job's own callback token (in the body), anyone. */
export type RouteAuth = 'bearer' | 'admin' | 'callback' | 'none';

/** The error answers a route can give besides those its auth implies (401, 403 for admin routes) and 500. */
export type ErrorStatus = 400 | 403 | 404 | 409 | 413 | 422 | 429 | 503;

export interface RouteResponse {
  readonly description: string;
  /** A schema of schemas/ (by its $id), or an inline one. */
  readonly schema: object;
  /** Default application/json. */
  readonly contentType?: string;
  readonly example?: unknown;
}

export interface RouteHeader {
  readonly name: string;
  readonly description: string;
  readonly schema: object;
}

export interface Route {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** As serverless.yml writes it: /jobs/{id}. */
  readonly path: string;
  /** The function's name in serverless.yml. */
  readonly operationId: string;
  readonly summary: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly auth: RouteAuth;
  /** JSON Schema of the query string, an object of string properties (each becomes a parameter). */
  readonly query?: object;
  readonly headers?: readonly RouteHeader[];
  /** JSON Schema of the JSON body. */
  readonly body?: object;
  /** Success answers by status. */
  readonly responses: Readonly<Record<number, RouteResponse>>;
  readonly errors?: readonly ErrorStatus[];
}

const jobIdIsUnknown = 'no such job (or an id that cannot be one)';

export const ROUTES: readonly Route[] = [
  {
    method: 'post', path: '/jobs', operationId: 'submitJob', tags: ['jobs'], auth: 'bearer',
    summary: 'Submit a job',
    description: 'Queues a job of a service; the scheduler starts it when and where it fits. Defaults (vCPU, memory, class, lifetime) come from the service. '
      + 'With an Idempotency-Key, a repeated request answers the job the first one created.',
    headers: [{ name: 'Idempotency-Key', description: '1 to 128 printable ASCII characters; the same key with another body is refused (422)', schema: { type: 'string', minLength: 1, maxLength: 128, examples: ['3f1c-upload-42'] } }],
    body: submitJob,
    responses: { 202: { description: 'queued (or the job an earlier request with the same Idempotency-Key created)', schema: job } },
    errors: [400, 413, 422, 429],
  },
  {
    method: 'get', path: '/jobs', operationId: 'listJobs', tags: ['jobs'], auth: 'bearer',
    summary: 'List jobs',
    description: 'Newest first, a page at a time. A user sees their own jobs; an admin everyone\'s, or one owner\'s.',
    query: listJobsQuery,
    responses: { 200: { description: 'a page of jobs', schema: jobPage } },
    errors: [400],
  },
  {
    method: 'get', path: '/jobs/{id}', operationId: 'getJob', tags: ['jobs'], auth: 'bearer',
    summary: 'A job, with its history',
    description: 'Its state, where it runs, why it waits, and every transition it made.',
    responses: { 200: { description: 'the job', schema: job } },
    errors: [403, 404],
  },
  {
    method: 'delete', path: '/jobs/{id}', operationId: 'cancelJob', tags: ['jobs'], auth: 'bearer',
    summary: 'Cancel a job',
    description: 'Moves an unfinished job to CANCELLED and ends its VM.',
    responses: { 202: { description: 'cancelled', schema: job } },
    errors: [403, 404, 409],
  },
  {
    method: 'post', path: '/jobs/{id}/complete', operationId: 'completeJob', tags: ['callbacks'], auth: 'callback',
    summary: 'The job\'s VM reports its end',
    description: 'Called by the job\'s VM with its exit code, authenticated by the VM\'s own callback token (in the body), not a bearer token. A repeated callback answers the job as the first one left it.',
    body: completeJob,
    responses: { 200: { description: 'the job, in its final state', schema: job } },
    errors: [400, 403, 409, 413, 503],
  },
  {
    method: 'get', path: '/services', operationId: 'listServices', tags: ['services'], auth: 'bearer',
    summary: 'Services jobs may run',
    description: 'With their defaults and limits, as the configuration defines them.',
    responses: { 200: { description: 'the services', schema: serviceList } },
  },
  {
    method: 'get', path: '/cluster', operationId: 'getCluster', tags: ['cluster'], auth: 'bearer',
    summary: 'Hosts, their capacity and the jobs on them',
    description: 'As the tick last saw OpenNebula (its age in the answer); another user\'s job shows without its id.',
    responses: { 200: { description: 'the cluster', schema: cluster } },
    errors: [503],
  },
  {
    method: 'get', path: '/tenants', operationId: 'getTenants', tags: ['tenants'], auth: 'bearer',
    summary: 'The tenants sharing the cloud',
    description: 'Each tenant\'s share and, as the tick last saw it, its guaranteed part of the cloud, what it uses, borrows beyond its guarantee and lends of it, what waits, and its limits. A user sees its own tenant, an admin every tenant.',
    responses: { 200: { description: 'the tenants', schema: tenantList } },
  },
  {
    method: 'get', path: '/jobs/{id}/output', operationId: 'getJobOutput', tags: ['jobs'], auth: 'bearer',
    summary: 'A job\'s output',
    description: 'The tail of its service\'s standard output and error (the last 64 KB), sent by its VM with the completion callback. The owner or an admin.',
    responses: { 200: { description: 'the output (empty when none was sent)', schema: jobOutput } },
    errors: [403, 404],
  },
  {
    method: 'get', path: '/usage', operationId: 'getUsage', tags: ['usage'], auth: 'bearer',
    summary: 'Usage by tenant, user or service',
    description: 'vCPU-seconds, memory-MB-seconds, wall, preempted, lost and waiting time and outcomes of the jobs that ended on the days asked for (UTC), summed by tenant, user or service, as sreport answers "cluster utilisation by account". A user sees their own usage, an admin all (or one user\'s).',
    query: usageQuery,
    responses: { 200: { description: 'the usage', schema: usageReport } },
    errors: [400],
  },
  {
    method: 'get', path: '/openapi.json', operationId: 'getOpenApi', tags: ['meta'], auth: 'none',
    summary: 'This document',
    description: 'The OpenAPI 3.1 description of the HTTP API, generated from the JSON Schemas the handlers validate with.',
    responses: { 200: { description: 'an OpenAPI 3.1 document', schema: { type: 'object', required: ['openapi', 'paths'] } } },
  },
  {
    method: 'get', path: '/metrics', operationId: 'getMetrics', tags: ['meta'], auth: 'admin',
    summary: 'Prometheus metrics',
    description: 'Jobs by state, class, tenant and service; queue wait and run time; ticks and plans; preemptions, resumes, reclaims; deploy failures; XML-RPC calls; DynamoDB capacity. Prometheus text exposition format 0.0.4.',
    responses: {
      200: {
        description: 'the metrics', contentType: 'text/plain; version=0.0.4', schema: { type: 'string' },
        example: '# HELP svmsched_jobs Unfinished jobs.\n# TYPE svmsched_jobs gauge\nsvmsched_jobs{state="RUNNING",class="beff",tenant="default",service="example-service1"} 2\n',
      },
    },
  },
  {
    method: 'get', path: '/', operationId: 'console', tags: ['meta'], auth: 'none',
    summary: 'The web console',
    description: 'The web console\'s page (HTML with its script inlined). It holds no data: its script calls this API with the bearer token given at sign-in (`/#token=TOKEN` signs in at once).',
    responses: { 200: { description: 'the page', contentType: 'text/html; charset=utf-8', schema: { type: 'string' } } },
  },
];

/** What each error status means, for the document's descriptions. */
export const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'the request is invalid: `field` names what to change',
  401: 'missing or invalid bearer token',
  403: 'not yours (or not an admin\'s token, or the wrong callback token)',
  404: jobIdIsUnknown,
  409: 'the job is already finished (or its run is not live)',
  413: 'the body is too large',
  422: 'the Idempotency-Key was used with another request',
  429: 'too many unfinished jobs for this user (or too many requests)',
  500: 'internal error (logged; no detail is shown)',
  503: 'OpenNebula cannot be reached now: try again',
};
