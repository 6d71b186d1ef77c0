import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { badRequest } from './errors';

const ajv = new Ajv({ allErrors: false, strict: true, useDefaults: false, coerceTypes: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const compiled = new Map<object, ValidateFunction>();

/** The field an ajv error is about, as a dotted path a person can find in their request. */
export function errorField(err: ErrorObject, root: string): string {
  const path = err.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const extra =
    err.keyword === 'required' ? (err.params as { missingProperty: string }).missingProperty
    : err.keyword === 'additionalProperties' ? (err.params as { additionalProperty: string }).additionalProperty
    : '';
  return [path, extra].filter(Boolean).join('.') || root;
}

function errorMessage(err: ErrorObject): string {
  if (err.keyword === 'additionalProperties') return 'is not a known field';
  if (err.keyword === 'required') return 'is required';
  return err.message ?? 'is invalid';
}

/** Validates `value` against a JSON Schema; throws a 400 naming the first failing field. */
export function validate<T>(schema: object, value: unknown, root = 'body'): T {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  if (!fn(value)) {
    const err = fn.errors![0]!;
    const field = errorField(err, root);
    throw badRequest(field, `${field} ${errorMessage(err)}`);
  }
  return value as T;
}
