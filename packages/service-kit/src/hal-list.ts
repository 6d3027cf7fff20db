/**
 * The Spring Data REST list of one table: `?page=&size=&sort=` plus equality filters, answered
 * as a HAL collection. The system names the table, the filters and how a row becomes a resource.
 */
import { baseUrlOf, halCollection, type PagingQuery, parsePaging } from '@bounded/rest';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely, Selectable } from 'kysely';
import { hal } from './http.ts';

export interface HalList<DB, T extends keyof DB & string, R> {
  readonly table: T;
  /** The collection's path (`/deliveries`) and its `_embedded` name (`deliveries`). */
  readonly path: string;
  readonly plural: string;
  /** Columns a client may sort by; with no sort the list is in id order. */
  readonly sortable: readonly string[];
  /** Column → value; an undefined value means no filter on that column. */
  readonly filters: Readonly<Record<string, unknown>>;
  resource(base: string, row: Selectable<DB[T]>): R;
}

/** Any table: the names were checked by the caller's types (table) and by parsePaging (sort). */
type AnyTables = Record<string, Record<string, unknown>>;

export async function replyHalList<DB, T extends keyof DB & string, R>(
  db: Kysely<DB>,
  request: FastifyRequest,
  reply: FastifyReply,
  list: HalList<DB, T, R>,
): Promise<FastifyReply> {
  const paging = parsePaging(request.query as PagingQuery, { sortable: list.sortable });
  const tables = db as unknown as Kysely<AnyTables>;
  const table: string = list.table;
  let query = tables.selectFrom(table).selectAll().limit(paging.size).offset(paging.offset);
  let count = tables.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
  for (const [column, value] of Object.entries(list.filters)) {
    if (value === undefined) continue;
    query = query.where(column, '=', value);
    count = count.where(column, '=', value);
  }
  for (const s of paging.sort) query = query.orderBy(s.field, s.direction);
  if (paging.sort.length === 0) query = query.orderBy('id', 'asc');
  const [rows, total] = await Promise.all([query.execute(), count.executeTakeFirstOrThrow()]);
  const base = baseUrlOf(request);
  const items = rows.map((row) => list.resource(base, row as Selectable<DB[T]>));
  const page = { number: paging.page, size: paging.size, totalElements: Number(total.n) };
  return hal(reply, 200, halCollection(base, list.path, list.plural, items, page, { sort: paging.sort }));
}
