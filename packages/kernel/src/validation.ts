/**
 * Request validation: how schemas are compiled, and how their failures become `fields`.
 */
import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifyError, FastifySchemaValidationError, FastifyServerOptions } from 'fastify';
import type { FieldError } from './errors.ts';

type BuildValidator = NonNullable<
  NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']
>;

/**
 * Fastify's default Ajv coerces types everywhere. That is right for the query string and path
 * (they are text), wrong for a JSON body: it would turn `"qty": null` into 0 and `true` into 1,
 * hiding client bugs. So bodies are checked strictly and the rest are coerced.
 * allErrors is on so a 400 names every bad field at once; the body size limit bounds its cost.
 */
export function strictBodyValidators(): BuildValidator {
  const pool = AjvCompiler();
  return ((externalSchemas: unknown, serverOptions: { customOptions?: object; plugins?: unknown[] } = {}) => {
    const build = (extra: object) =>
      pool(
        externalSchemas as never,
        {
          ...serverOptions,
          customOptions: { ...serverOptions.customOptions, allErrors: true, ...extra },
        } as never,
      );
    const body = build({ coerceTypes: false });
    const other = build({});
    return (route: { httpPart?: string }) => (route.httpPart === 'body' ? body : other)(route as never);
  }) as unknown as BuildValidator;
}

type SchemaErrorDataVar = NonNullable<FastifyError['validationContext']>;

const MAX_FIELDS = 100;
const PREFIX: Record<SchemaErrorDataVar, string> = {
  body: '',
  querystring: 'query.',
  params: 'params.',
  headers: 'headers.',
};

/**
 * One entry per bad field. Body fields are named bare (`qty`, `items.0.qty`), as Spring's field
 * errors are; other parts carry a prefix (`query.page`) so a client can tell them apart.
 */
export function fieldErrors(
  errors: FastifySchemaValidationError[],
  context: SchemaErrorDataVar | undefined,
): FieldError[] {
  const prefix = context ? PREFIX[context] : '';
  const byField = new Map<string, FastifySchemaValidationError[]>();
  for (const e of errors) {
    const field = prefix + fieldPath(e);
    const list = byField.get(field);
    if (list) list.push(e);
    else byField.set(field, [e]);
  }
  return [...byField].slice(0, MAX_FIELDS).map(([field, errs]) => ({ field, message: describe(errs) }));
}

function fieldPath(e: FastifySchemaValidationError): string {
  const parts = e.instancePath.split('/').filter(Boolean).map(unescapePointer);
  const child = e.params.missingProperty ?? e.params.additionalProperty;
  if (typeof child === 'string') parts.push(child);
  return parts.join('.') || '(root)';
}

function unescapePointer(s: string): string {
  return s.replaceAll('~1', '/').replaceAll('~0', '~');
}

function describe(errs: FastifySchemaValidationError[]): string {
  if (errs.some((e) => e.keyword === 'required')) return 'is required';
  if (errs.some((e) => e.keyword === 'additionalProperties')) return 'is not allowed';
  // A TypeBox union of literals fails as one `const` error per branch plus an `anyOf` summary.
  const allowed = errs.filter((e) => e.keyword === 'const').map((e) => String(e.params.allowedValue));
  if (allowed.length > 0) return `must be one of ${allowed.join(', ')}`;
  if (errs[0].keyword === 'enum' && Array.isArray(errs[0].params.allowedValues)) {
    return `must be one of ${errs[0].params.allowedValues.join(', ')}`;
  }
  const specific = errs.find((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf') ?? errs[0];
  return specific.message ?? 'is invalid';
}
