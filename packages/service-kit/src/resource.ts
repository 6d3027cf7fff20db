/**
 * A stored resource declared once: its fields (a TypeBox object with types and limits) and what
 * the server owns, from which come the row type, the table's first migration, the create body's
 * schema, the HAL resource and collection, the GET list and GET one routes, and the response
 * schemas. What carries a decision — commands, policies, the domain — stays explicit elsewhere:
 * this only removes what repeated itself in every service (the Spring Data REST half of a
 * JPA entity, without its lifecycle hooks).
 */
import { NotFoundError } from '@bounded/kernel';
import { type HalResource, halResource, singularOf } from '@bounded/rest';
import { dialectOf, type IdBlocks, idBlocks, insertForId, type Migration, type Store } from '@bounded/store';
import {
  Kind,
  type Static,
  type TLiteral,
  type TNull,
  type TObject,
  type TProperties,
  type TSchema,
  type TUnion,
  Type,
} from '@sinclair/typebox';
import type { Generated, Insertable, Kysely } from 'kysely';
import { type Caller, ownerScope } from './caller.ts';
import { LIMITS } from './http.ts';

/** A field that may hold null: a nullable column, optional in the create body. */
export function Nullable<T extends TSchema>(schema: T): TUnion<[T, TNull]> {
  return Type.Union([schema, Type.Null()]);
}

/** One of a few strings (a status): a varchar column, a 400 for anything else. */
export function OneOf<const T extends readonly string[]>(
  values: T,
): TUnion<{ -readonly [K in keyof T]: TLiteral<T[K] & string> }> {
  return Type.Union(values.map((value) => Type.Literal(value))) as never;
}

type Keys<F extends TProperties> = keyof F & string;
type Fields<F extends TProperties> = Static<TObject<F>>;

export interface ResourceSpec<
  F extends TProperties,
  O extends Keys<F>,
  H extends Keys<F>,
  I extends 'serial' | 'assigned',
> {
  /** The SQL table. */
  readonly table: string;
  /** The collection's `_embedded` key; the path is `/${plural}` unless given. */
  readonly plural: string;
  readonly path?: string;
  /** The self rel's name (default: singularOf(path)). */
  readonly singular?: string;
  /** 'serial': the database numbers rows (default); 'assigned': the command gives the id. */
  readonly id?: I;
  /** Every stored column but `id`. */
  readonly fields: TObject<F>;
  /** Never in the create body: a client that sends them is ignored. */
  readonly serverOwned?: readonly O[];
  /** Stored, never answered (idempotency keys, tokens); server-owned too. */
  readonly hidden?: readonly H[];
  /** Answered only to some callers (the service leaves them out for the others): optional in the answers' schema. */
  readonly withheld?: readonly Keys<F>[];
  readonly unique?: readonly Keys<F>[];
  readonly indexes?: readonly Keys<F>[];
  /** Besides `id`, what `?sort=` may name; anything else is a 400. */
  readonly sortable?: readonly Keys<F>[];
  /** `?field=value` equality filters of the list. */
  readonly filterable?: readonly Keys<F>[];
  /** The field naming the customer a row belongs to: a customer sees only their own rows. */
  readonly owner?: Keys<F>;
  /** Roles that see every row (an admin and a direct loopback call always do). */
  readonly seeAll?: readonly string[];
  /** Extra HAL rels: an absolute path ('/orders/1') or one relative to the resource ('cancel'). */
  links?(row: { id: number } & Fields<F>): Record<string, string>;
  /** The 404's code (default `<SINGULAR>.NOT_FOUND`). */
  readonly notFound?: string;
}

/** What a row of the resource holds. */
export type RowOf<R extends { readonly $types?: unknown }> =
  NonNullable<R['$types']> extends {
    row: infer T;
  }
    ? T
    : never;
/** The Kysely table of the resource (`id` generated for serial keys). */
export type TableOf<R extends { readonly $types?: unknown }> =
  NonNullable<R['$types']> extends {
    table: infer T;
  }
    ? T
    : never;
/** What a client may send to create one (server-owned fields left out, nullable ones optional). */
export type CreateOf<R extends { readonly $types?: unknown }> =
  NonNullable<R['$types']> extends {
    create: infer T;
  }
    ? T
    : never;

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type Creatable<F extends TProperties, X extends string> = Simplify<
  {
    [K in Exclude<keyof Fields<F>, X> as null extends Fields<F>[K] ? never : K]: Fields<F>[K];
  } & {
    [K in Exclude<keyof Fields<F>, X> as null extends Fields<F>[K] ? K : never]?: Fields<F>[K];
  }
>;

/** A schema whose static type is S (for route schemas computed at run time). */
type SchemaOf<S> = TSchema & { static: S };

/** Any table: the names were checked by the declaration's types. */
// biome-ignore lint/suspicious/noExplicitAny: rows of a table known only at run time
type AnyDb = Kysely<any>;

export interface Resource<
  F extends TProperties,
  O extends Keys<F>,
  H extends Keys<F>,
  I extends 'serial' | 'assigned',
> {
  /** Types only (RowOf, TableOf, CreateOf): never set. */
  readonly $types?: {
    row: Simplify<{ id: number } & Fields<F>>;
    table: Simplify<{ id: I extends 'assigned' ? number : Generated<number> } & Fields<F>>;
    create: Creatable<F, O | H>;
  };
  readonly table: string;
  readonly path: string;
  readonly plural: string;
  readonly singular: string;
  readonly spec: ResourceSpec<F, O, H, I>;
  readonly createBody: SchemaOf<Creatable<F, O | H>>;
  readonly listQuery: TObject;
  readonly resourceSchema: TObject;
  readonly collectionSchema: TObject;
  /** The create fields of a body: extras (a client's `status`, `id`) dropped. */
  pickCreate(body: Readonly<Record<string, unknown>>): Creatable<F, O | H>;
  /** A database row as the resource's types say (numbers and booleans alike on every dialect). */
  fromRow(row: Readonly<Record<string, unknown>>): { id: number } & Fields<F>;
  /** The HAL resource of a row: hidden fields removed, `_links` with self and the declared rels. */
  resource(
    base: string,
    row: { id: number } & Fields<F>,
  ): HalResource<Simplify<{ id: number } & Omit<Fields<F>, H>>>;
  notFoundError(id: number): NotFoundError;
  /** `lock` inside a command holds the row until the transaction ends (SELECT … FOR UPDATE). */
  load(
    db: AnyDb,
    id: number,
    options?: { lock?: boolean },
  ): Promise<({ id: number } & Fields<F>) | undefined>;
  /** The row whose unique `field` holds `value` (the newest when several do). */
  loadBy<K extends keyof Fields<F> & string>(
    db: AnyDb,
    field: K,
    value: Fields<F>[K],
    options?: { lock?: boolean },
  ): Promise<({ id: number } & Fields<F>) | undefined>;
  /** The row the caller may see, or the 404 (a missing row and another customer's look alike). */
  find(db: AnyDb, caller: Caller, id: number): Promise<{ id: number } & Fields<F>>;
  /** Inserts a row; answers its id (generated for serial keys, `values.id` for assigned ones). */
  insert(
    db: AnyDb,
    values: Insertable<Simplify<{ id: I extends 'assigned' ? number : Generated<number> } & Fields<F>>>,
  ): Promise<number>;
  update(db: AnyDb, id: number, patch: Partial<Fields<F>>): Promise<void>;
  /** The owner whose rows the caller may see, or undefined when it may see every row. */
  scopeOf(caller: Caller): string | undefined;
}

export function declareResource<
  const F extends TProperties,
  const O extends Keys<F> = never,
  const H extends Keys<F> = never,
  const I extends 'serial' | 'assigned' = 'serial',
>(spec: ResourceSpec<F, O, H, I>): Resource<F, O, H, I> {
  const path = spec.path ?? `/${spec.plural}`;
  const singular = spec.singular ?? singularOf(path);
  const hidden = new Set<string>(spec.hidden ?? []);
  const owned = new Set<string>([...(spec.serverOwned ?? []), ...hidden]);
  const columns = Object.entries(spec.fields.properties).map(([name, schema]) => columnOf(name, schema));
  const creatable = columns.filter((c) => !owned.has(c.name));
  const notFoundCode = spec.notFound ?? `${singular.toUpperCase()}.NOT_FOUND`;
  type Row = { id: number } & Fields<F>;

  const createBody = Type.Object(
    Object.fromEntries(creatable.map((c) => [c.name, c.nullable ? Type.Optional(c.schema) : c.schema])),
  ) as unknown as SchemaOf<Creatable<F, O | H>>;
  const filters = (spec.filterable ?? []).map((name) => columnOf(name, spec.fields.properties[name]!));
  const listQuery = Type.Object({
    page: Type.Optional(Type.String()),
    size: Type.Optional(Type.String()),
    sort: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
    ...Object.fromEntries(filters.map((c) => [c.name, Type.Optional(c.valueSchema)])),
  });
  const visible = columns.filter((c) => !hidden.has(c.name));
  const Links = Type.Record(Type.String(), Type.Object({ href: Type.String() }));
  const withheld = new Set<string>(spec.withheld ?? []);
  const resourceSchema = Type.Object({
    id: Type.Integer(),
    ...Object.fromEntries(
      visible.map((c) => [c.name, withheld.has(c.name) ? Type.Optional(c.schema) : c.schema]),
    ),
    _links: Links,
  });
  const collectionSchema = Type.Object({
    _embedded: Type.Object({ [spec.plural]: Type.Array(resourceSchema) }),
    _links: Links,
    page: Type.Object({
      size: Type.Integer(),
      totalElements: Type.Integer(),
      totalPages: Type.Integer(),
      number: Type.Integer(),
    }),
  });

  const resource: Resource<F, O, H, I> = {
    table: spec.table,
    path,
    plural: spec.plural,
    singular,
    spec,
    createBody,
    listQuery,
    resourceSchema,
    collectionSchema,
    pickCreate(body) {
      const picked: Record<string, unknown> = {};
      for (const c of creatable) if (body[c.name] !== undefined) picked[c.name] = body[c.name];
      return picked as Creatable<F, O | H>;
    },
    fromRow(row) {
      const out: Record<string, unknown> = { ...row, id: Number(row.id) };
      for (const c of columns) out[c.name] = c.read(row[c.name]);
      return out as Row;
    },
    resource(base, row) {
      const shown: Record<string, unknown> = { id: row.id };
      for (const c of visible) shown[c.name] = (row as Record<string, unknown>)[c.name] ?? null;
      return halResource(
        base,
        path,
        shown as { id: number } & Omit<Fields<F>, H>,
        spec.links?.(row) ?? {},
        singular,
      );
    },
    notFoundError: (id) => new NotFoundError(notFoundCode, `${singular} ${id} not found`),
    async load(db, id, options = {}) {
      const query = db.selectFrom(spec.table).selectAll().where('id', '=', id);
      const row = await (options.lock ? query.forUpdate() : query).executeTakeFirst();
      return row ? resource.fromRow(row) : undefined;
    },
    async loadBy(db, field, value, options = {}) {
      const query = db
        .selectFrom(spec.table)
        .selectAll()
        .where(field as string, '=', value as never)
        .orderBy('id', 'desc');
      const row = await (options.lock ? query.forUpdate() : query).executeTakeFirst();
      return row ? resource.fromRow(row) : undefined;
    },
    async find(db, caller, id) {
      const row = await resource.load(db, id);
      const scope = resource.scopeOf(caller);
      const ownerOf = (r: Row) => (spec.owner ? (r as Record<string, unknown>)[spec.owner] : undefined);
      if (!row || (scope !== undefined && ownerOf(row) !== scope)) throw resource.notFoundError(id);
      return row;
    },
    async insert(db, values) {
      const written = toColumns(db, columns, values as Record<string, unknown>);
      if (spec.id !== 'assigned') return insertForId(db, spec.table, written);
      await db.insertInto(spec.table).values(written).execute();
      return Number(written.id);
    },
    async update(db, id, patch) {
      const written = toColumns(db, columns, patch as Record<string, unknown>);
      if (Object.keys(written).length === 0) return;
      await db.updateTable(spec.table).set(written).where('id', '=', id).execute();
    },
    scopeOf: (caller) => (spec.owner ? ownerScope(caller, spec.seeAll) : undefined),
  };
  return resource;
}

/**
 * Ids for a resource whose command gives them (`id: 'assigned'`), from blocks (no commit per id).
 * The first block starts after the largest id `since` holds — the resource's table, or an older
 * one that numbered the same things — so no id is ever given twice.
 */
export function assignedIds<DB>(
  store: Store<DB>,
  sequence: string,
  since: { readonly table: string },
): IdBlocks {
  return idBlocks(store, sequence, {
    floor: async (db) => {
      const { max } = await db
        .selectFrom(since.table)
        .select((eb) => eb.fn.max('id').as('max'))
        .executeTakeFirstOrThrow();
      return Number(max ?? 0) + 1;
    },
  });
}

/** The first migration of a service: its declared tables with their unique keys and indexes. */
export function createTables(...resources: ReadonlyArray<{ readonly spec: TableSpec }>): Migration {
  return {
    async up(db: AnyDb) {
      for (const { spec } of resources) {
        await createTable(db, spec);
        for (const column of spec.indexes ?? []) {
          await db.schema.createIndex(`${spec.table}_${column}`).on(spec.table).column(column).execute();
        }
      }
    },
  };
}

/** What a table's creation reads of a declaration. */
interface TableSpec {
  readonly table: string;
  readonly id?: 'serial' | 'assigned';
  readonly fields: TObject;
  readonly unique?: readonly string[];
  readonly indexes?: readonly string[];
}

async function createTable(db: AnyDb, spec: TableSpec): Promise<void> {
  const unique = new Set<string>(spec.unique ?? []);
  let table = db.schema.createTable(spec.table);
  table =
    spec.id === 'assigned' ? table.addColumn('id', 'bigint', (c) => c.primaryKey()) : serialKey(db, table);
  for (const [name, schema] of Object.entries(spec.fields.properties)) {
    const column = columnOf(name, schema);
    table = table.addColumn(name, column.sqlType, (c) => {
      let built = column.nullable ? c : c.notNull();
      if (unique.has(name)) built = built.unique();
      return built;
    });
  }
  await table.execute();
}

type TableBuilder = ReturnType<AnyDb['schema']['createTable']>;

function serialKey(db: AnyDb, table: TableBuilder): TableBuilder {
  const dialect = dialectOf(db);
  if (dialect === 'postgres') return table.addColumn('id', 'bigserial', (c) => c.primaryKey());
  if (dialect === 'mysql') return table.addColumn('id', 'bigint', (c) => c.primaryKey().autoIncrement());
  return table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

type SqlType = 'integer' | 'bigint' | 'boolean' | 'double precision' | `varchar(${number})` | 'text';

interface Column {
  readonly name: string;
  /** The field's schema as declared (with null when nullable). */
  readonly schema: TSchema;
  /** The schema of one non-null value (a list filter's). */
  readonly valueSchema: TSchema;
  readonly nullable: boolean;
  readonly sqlType: SqlType;
  readonly kind: 'integer' | 'number' | 'boolean' | 'string';
  /** A stored value as the field's type (drivers give 0/1 for booleans, strings for big numbers). */
  read(value: unknown): unknown;
}

const kindOf = (schema: TSchema): string => (schema as { [Kind]: string })[Kind];

function columnOf(name: string, declared: TSchema): Column {
  const flatten = (schema: TSchema): TSchema[] =>
    kindOf(schema) === 'Union' ? ((schema as TUnion).anyOf as TSchema[]).flatMap(flatten) : [schema];
  const members = flatten(declared);
  const values = members.filter((m) => kindOf(m) !== 'Null');
  const nullable = values.length < members.length;
  const valueSchema = values.length === 1 ? values[0]! : Type.Union(values);
  const kind = valueKind(name, values);
  const read = (value: unknown) => {
    if (value === null || value === undefined) return null;
    if (kind === 'integer' || kind === 'number') return Number(value);
    if (kind === 'boolean') return value === true || value === 1 || value === '1';
    return value;
  };
  return { name, schema: declared, valueSchema, nullable, sqlType: sqlTypeOf(kind, values), kind, read };
}

function valueKind(name: string, values: readonly TSchema[]): Column['kind'] {
  const kinds = new Set(values.map((v) => (kindOf(v) === 'Literal' ? typeof v.const : kindOf(v))));
  if (kinds.size === 1) {
    const [only] = kinds;
    if (only === 'Integer') return 'integer';
    if (only === 'Number' || only === 'number') return 'number';
    if (only === 'Boolean' || only === 'boolean') return 'boolean';
    if (only === 'String' || only === 'string') return 'string';
  }
  throw new Error(`field ${name}: a stored field is one integer, number, boolean or string type`);
}

function sqlTypeOf(kind: Column['kind'], values: readonly TSchema[]): SqlType {
  if (kind === 'boolean') return 'boolean';
  if (kind === 'number') return 'double precision';
  if (kind === 'integer') {
    const max = Math.max(...values.map((v) => (v.maximum as number | undefined) ?? Number.POSITIVE_INFINITY));
    return max <= LIMITS.int ? 'integer' : 'bigint';
  }
  const longest = Math.max(
    ...values.map((v) =>
      kindOf(v) === 'Literal'
        ? Math.max(32, String(v.const).length)
        : ((v.maxLength as number) ?? LIMITS.text),
    ),
  );
  // MySQL keeps a row under 64 KB: a longer text is a TEXT column (unindexed).
  return longest > 4000 ? 'text' : `varchar(${longest})`;
}

/** Values as the columns take them: SQLite binds no booleans. */
function toColumns(
  db: AnyDb,
  columns: readonly Column[],
  values: Record<string, unknown>,
): Record<string, unknown> {
  const sqlite = dialectOf(db) === 'sqlite';
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const column = columns.find((c) => c.name === name);
    out[name] = sqlite && column?.kind === 'boolean' && typeof value === 'boolean' ? Number(value) : value;
  }
  return out;
}
