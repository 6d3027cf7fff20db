/**
 * The read side of a declared resource, as Spring Data REST answers it: `GET {path}` (paging,
 * sort, equality filters, the caller's rows only) and `GET {path}/:id` (404 for a missing row and
 * for another customer's alike). Commands stay the service's own routes.
 */
import type { App } from '@bounded/kernel';
import { baseUrlOf, HAL_CONTENT_TYPE, halCollection, parsePaging } from '@bounded/rest';
import type { TSchema } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { callerOf } from './caller.ts';
import { hal, IdParams } from './http.ts';
import type { Resource } from './resource.ts';

// biome-ignore lint/suspicious/noExplicitAny: any declared resource, any service's tables
type AnyResource = Resource<any, any, any, any>;
// biome-ignore lint/suspicious/noExplicitAny: the service's own tables; names checked by the declaration
type AnyDb = Kysely<any>;

export interface ResourceRouteOptions {
  /** Default true: `GET {path}`. */
  readonly list?: boolean;
  /** Default true: `GET {path}/:id`. */
  readonly get?: boolean;
}

export function resourceRoutes(
  app: App,
  db: AnyDb,
  resource: AnyResource,
  options: ResourceRouteOptions = {},
): void {
  if (options.list !== false) {
    const schema = { querystring: resource.listQuery, response: { 200: halBody(resource.collectionSchema) } };
    app.get(resource.path, { schema, serializerCompiler }, async (request, reply) => {
      const page = await listPage(db, resource, request.query as Record<string, unknown>, callerOf(request));
      const base = baseUrlOf(request);
      const items = page.rows.map((row) => resource.resource(base, row));
      const body = halCollection(base, resource.path, resource.plural, items, page.page, { sort: page.sort });
      return hal(reply, 200, body);
    });
  }
  if (options.get !== false) {
    const schema = { params: IdParams, response: { 200: halBody(resource.resourceSchema) } };
    app.get(`${resource.path}/:id`, { schema, serializerCompiler }, async (request, reply) => {
      const row = await resource.find(db, callerOf(request), (request.params as { id: number }).id);
      return hal(reply, 200, resource.resource(baseUrlOf(request), row));
    });
  }
}

/** A response documented as HAL (for the OpenAPI document). */
const halBody = (schema: TSchema) => ({ content: { [HAL_CONTENT_TYPE]: { schema } } });

/**
 * Response schemas here document; they do not reshape: the body is serialized as it was built
 * (Fastify would otherwise drop any field the schema does not name).
 */
const serializerCompiler = () => (data: unknown) => JSON.stringify(data);

/** One page of the rows a caller may see, filtered and sorted as the query asks (400 for bad paging). */
export async function listPage(
  db: AnyDb,
  resource: AnyResource,
  query: Readonly<Record<string, unknown>>,
  caller: Parameters<AnyResource['scopeOf']>[0],
) {
  const { spec } = resource;
  const paging = parsePaging(query, { sortable: ['id', ...(spec.sortable ?? [])] });
  const where: Array<[string, unknown]> = [];
  const scope = resource.scopeOf(caller);
  // A filter narrows within what the caller may see; it never widens a customer's view.
  if (scope !== undefined && spec.owner) where.push([spec.owner, scope]);
  for (const field of spec.filterable ?? [])
    if (query[field] !== undefined) where.push([field, query[field]]);

  let select = db.selectFrom(spec.table).selectAll().limit(paging.size).offset(paging.offset);
  let count = db.selectFrom(spec.table).select((eb) => eb.fn.countAll<number>().as('n'));
  for (const [column, value] of where) {
    select = select.where(column, '=', value);
    count = count.where(column, '=', value);
  }
  for (const s of paging.sort) select = select.orderBy(s.field, s.direction);
  if (paging.sort.length === 0) select = select.orderBy('id', 'asc');
  const [rows, total] = await Promise.all([select.execute(), count.executeTakeFirstOrThrow()]);
  return {
    rows: rows.map((row) => resource.fromRow(row)),
    page: { number: paging.page, size: paging.size, totalElements: Number(total.n) },
    sort: paging.sort,
  };
}
