import type { SortOrder } from './hal.ts';

export interface FieldError {
  field: string;
  message: string;
}

/**
 * Bad request input: 400 with the offending fields. Duck-typed by the kernel's error handler
 * (numeric `status`, string `code`), so this package does not depend on it.
 */
export class RequestInvalidError extends Error {
  override readonly name = 'RequestInvalidError';
  readonly status = 400;
  readonly code = 'REQUEST.INVALID';
  readonly fields: FieldError[];

  constructor(fields: FieldError[], message = `invalid request: ${fields.map((f) => f.field).join(', ')}`) {
    super(message);
    this.fields = fields;
  }
}

/** A query value as Fastify (or any querystring parser) hands it over. */
type QueryValue = string | number | ReadonlyArray<string | number> | undefined | null;

export interface PagingQuery {
  page?: QueryValue;
  size?: QueryValue;
  sort?: QueryValue;
}

export interface PagingOptions {
  /** Default 20, as Spring. */
  defaultSize?: number;
  /** Larger sizes are clamped to this, as Spring does. Default 1000. */
  maxSize?: number;
  /** Fields a client may sort by; anything else is a 400. */
  sortable: readonly string[];
}

export interface Paging {
  /** Zero-based. */
  page: number;
  size: number;
  /** page * size, for SQL OFFSET. */
  offset: number;
  sort: SortOrder[];
}

/**
 * Spring Data's `?page=&size=&sort=`: page is zero-based; `sort=field` or `sort=field,desc`,
 * repeatable, several fields may share one direction (`sort=city,name,desc`). Throws
 * RequestInvalidError listing every bad parameter.
 */
export function parsePaging(query: PagingQuery, opts: PagingOptions): Paging {
  const defaultSize = opts.defaultSize ?? 20;
  const maxSize = opts.maxSize ?? 1000;
  const errors: FieldError[] = [];

  const page = parseCount(query.page, 'page', 0, errors);
  const requested = parseCount(query.size, 'size', 1, errors);
  const size = requested === undefined ? Math.min(defaultSize, maxSize) : Math.min(requested, maxSize);
  const sort = parseSort(query.sort, opts.sortable, errors);

  if (errors.length > 0) throw new RequestInvalidError(errors);
  const p = page ?? 0;
  if (!Number.isSafeInteger(p * size)) {
    throw new RequestInvalidError([{ field: 'page', message: 'is too large' }]);
  }
  return { page: p, size, offset: p * size, sort };
}

function parseCount(value: QueryValue, field: string, min: number, errors: FieldError[]): number | undefined {
  const raw = first(value);
  if (raw === undefined || raw === '') return undefined;
  const text = String(raw).trim();
  const n = /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    errors.push({ field, message: `must be an integer ≥ ${min}, got '${String(raw)}'` });
    return undefined;
  }
  return n;
}

function parseSort(value: QueryValue, sortable: readonly string[], errors: FieldError[]): SortOrder[] {
  const params = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  const orders: SortOrder[] = [];
  for (const param of params) {
    const parts = String(param)
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    if (parts.length === 0) continue;
    let direction: SortOrder['direction'] = 'asc';
    const tail = parts[parts.length - 1]!.toLowerCase();
    if (tail === 'asc' || tail === 'desc') {
      direction = tail;
      parts.pop();
    }
    if (parts.length === 0) {
      errors.push({ field: 'sort', message: `'${String(param)}' names no field` });
      continue;
    }
    for (const field of parts) {
      if (!sortable.includes(field)) {
        const allowed = sortable.length > 0 ? `; sortable: ${sortable.join(', ')}` : '';
        errors.push({ field: 'sort', message: `cannot sort by '${field}'${allowed}` });
      } else if (!orders.some((o) => o.field === field)) {
        orders.push({ field, direction });
      }
    }
  }
  return orders;
}

/** A repeated scalar parameter (`?page=1&page=2`): the first one wins, as in Spring. */
function first(value: QueryValue): string | number | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value[0];
  return value as string | number;
}
