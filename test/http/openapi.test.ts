/**
 * The OpenAPI document: valid OpenAPI 3.1, one operation for every route of serverless.yml (and
 * none other), its schemas the very ones the handlers validate with, and every example in it valid
 * against its own schema. Real answers are checked against it in test/e2e/openapi.e2e.test.ts.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { openApiDocument, basePathOf } from '../../lib/http/openapi/document';
import submitJob from '../../schemas/submitJob.json';
import completeJob from '../../schemas/completeJob.json';
import { responseChecker } from '../helpers/openapi';

const ROOT = path.resolve(__dirname, '../..');
const doc = openApiDocument() as any;

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    // Prepare
    const validator = new Validator();
    // Act
    const result = await validator.validate(doc);
    // Assess
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('has one operation per HTTP route of serverless.yml, named for its function', async () => {
    const sls = parse(await readFile(path.join(ROOT, 'serverless.yml'), 'utf8'));
    const routes = Object.entries<any>(sls.functions).flatMap(([name, f]) => (f.events ?? [])
      .filter((e: any) => e.http).map((e: any) => `${e.http.method.toLowerCase()} ${e.http.path.startsWith('/') ? e.http.path : `/${e.http.path}`} ${name}`));
    const documented = Object.entries<any>(doc.paths).flatMap(([p, ops]) => Object.entries<any>(ops).map(([m, op]) => `${m} ${p} ${op.operationId}`));
    expect(routes.length).toBeGreaterThan(0);
    expect(documented.sort()).toEqual(routes.sort());
  });

  it('says which operations take a bearer token', () => {
    expect(doc.paths['/jobs'].post.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/jobs/{id}/complete'].post.security).toEqual([]);
    expect(doc.paths['/openapi.json'].get.security).toEqual([]);
    expect(doc.paths['/jobs'].get.parameters.map((p: any) => p.name)).toEqual(['state', 'class', 'service', 'owner', 'elements', 'limit', 'cursor']);
  });

  it('takes its request schemas from the files the handlers validate with, as they are', () => {
    const { $id: _a, ...submit } = submitJob;
    const { $id: _b, ...complete } = completeJob;
    expect(doc.components.schemas.submitJob).toEqual(submit);
    expect(doc.components.schemas.completeJob).toEqual(complete);
    expect(doc.paths['/jobs'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/submitJob' });
  });

  it('has examples that its own schemas accept', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    ajv.addSchema(doc, 'openapi.json');
    let checked = 0;
    for (const [name, schema] of Object.entries<any>(doc.components.schemas)) {
      for (const example of schema.examples ?? []) {
        const validate = ajv.compile({ $ref: `openapi.json#/components/schemas/${name}` });
        expect(validate(example), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
        checked++;
      }
    }
    const check = responseChecker(doc);
    for (const [p, ops] of Object.entries<any>(doc.paths)) {
      for (const [m, op] of Object.entries<any>(ops)) {
        for (const [status, r] of Object.entries<any>(op.responses)) {
          for (const [media, c] of Object.entries<any>(r.content ?? {})) {
            if (c.example === undefined) continue;
            expect(check(m, p.replace('{id}', 'j0'), Number(status), media, c.example).errors, `${m} ${p} ${status}`).toEqual([]);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  it('refuses what its schemas refuse (the checker is not blind)', () => {
    const check = responseChecker(doc);
    const job = doc.components.schemas.job.examples[0];
    expect(check('GET', '/jobs/j0', 200, 'application/json', job).errors).toEqual([]);
    expect(check('GET', '/jobs/j0', 200, 'application/json', { ...job, state: 'DONE' }).errors).not.toEqual([]);
    expect(check('GET', '/jobs/j0', 200, 'application/json', { ...job, colour: 'red' }).errors).not.toEqual([]);
    expect(check('GET', '/jobs/j0', 200, 'application/json', { ...job, history: [{ at: 'x', to: 'QUEUED' }] }).errors).not.toEqual([]);
    expect(check('GET', '/jobs/j0', 418, 'application/json', job).errors).not.toEqual([]);
  });

  it('names the stage it is served under', () => {
    expect(basePathOf({ path: '/openapi.json', requestContext: { path: '/dev/openapi.json' } })).toBe('/dev');
    expect(basePathOf({ path: '/openapi.json', requestContext: { path: '/openapi.json' } })).toBe('');
    expect((openApiDocument({ basePath: '/dev' }) as any).servers).toEqual([{ url: '/dev' }]);
  });
});
