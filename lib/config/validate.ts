/**
 * Checks the converted JSON against schemas/config.json (ajv) and fills in the
 * schema's defaults. The first failure becomes a ConfigInvalidError naming the XML
 * element, so the person editing the file sees where, not a JSON pointer.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import schema from '../../schemas/config.json';
import type { PathMap, SchemaNode } from './convert';
import { ConfigInvalidError } from './errors';

export const configSchema = schema as unknown as SchemaNode;

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled === undefined) {
    const ajv = new Ajv({ allErrors: false, useDefaults: true, allowUnionTypes: true, verbose: true, strict: true });
    // Annotations that steer the XML conversion and the error messages; they validate nothing.
    for (const keyword of ['xmlRoot', 'xmlItem', 'xmlTrim', 'hint']) ajv.addKeyword({ keyword });
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/** Validates in place (defaults are written into `value`); throws ConfigInvalidError on the first failure. */
export function validateConfigJson(value: Record<string, unknown>, paths: PathMap): void {
  const validate = validator();
  if (validate(value)) return;
  const error = validate.errors![0]!;
  throw new ConfigInvalidError(elementPath(error, paths), reason(error));
}

/** The XML path of a JSON pointer: the nearest recorded ancestor, then the remaining segments. */
export function xmlPathOf(pointer: string, paths: PathMap): string {
  const segments = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  for (let n = segments.length; n >= 0; n--) {
    const known = paths.get(n === 0 ? '' : `/${segments.slice(0, n).join('/')}`);
    if (known !== undefined) return [known, ...segments.slice(n)].join('/');
  }
  return `/${segments.join('/')}`;
}

function elementPath(error: ErrorObject, paths: PathMap): string {
  const base = xmlPathOf(error.instancePath, paths);
  if (error.keyword === 'required') return `${base}/${(error.params as { missingProperty: string }).missingProperty}`;
  if (error.keyword === 'additionalProperties') return `${base}/${(error.params as { additionalProperty: string }).additionalProperty}`;
  return base;
}

function reason(error: ErrorObject): string {
  const hint = (error.parentSchema as { hint?: string } | undefined)?.hint;
  const withHint = (text: string) => (hint === undefined ? text : `${text} (${hint})`);
  switch (error.keyword) {
    case 'required': return 'required element is missing';
    case 'additionalProperties': return 'unknown element';
    case 'enum': return `must be one of: ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    case 'pattern': return withHint('has the wrong form');
    case 'minLength': return (error.params as { limit: number }).limit === 1 ? withHint('must not be empty') : withHint(error.message!);
    case 'type': return withHint(`must be ${(error.params as { type: string }).type.replace(',', ' or ')}`);
    default: return withHint(error.message ?? 'is invalid');
  }
}
