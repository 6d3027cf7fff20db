import {
  type CreateTableBuilder,
  type Insertable,
  type Kysely,
  MysqlAdapter,
  PostgresAdapter,
  type RawBuilder,
  sql,
} from 'kysely';
import type { DialectName } from './open.ts';

/** Which database a migration runs on: migrations receive only a Kysely handle. */
export function dialectOf(db: Kysely<unknown>): DialectName {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof MysqlAdapter) return 'mysql';
  return 'sqlite';
}

/** A generated, ordered integer primary key in each dialect's own spelling. */
export function withSerialKey<T extends string>(
  table: CreateTableBuilder<T, never>,
  column: string,
  db: Kysely<unknown>,
): CreateTableBuilder<T, never> {
  const dialect = dialectOf(db);
  if (dialect === 'postgres') return table.addColumn(column, 'bigserial', (c) => c.primaryKey());
  if (dialect === 'mysql') return table.addColumn(column, 'bigint', (c) => c.primaryKey().autoIncrement());
  return table.addColumn(column, 'integer', (c) => c.primaryKey().autoIncrement());
}

/** Text that fits in an index on every dialect (MySQL cannot index unbounded TEXT). */
export const keyText = 'varchar(255)' as const;

/**
 * Unindexed text of any reasonable size (a JSON payload): `text` on SQLite and PostgreSQL, but
 * MySQL's TEXT stops at 64 KB, so there MEDIUMTEXT (16 MB).
 */
export function largeText(db: Kysely<unknown>): 'text' | RawBuilder<unknown> {
  return dialectOf(db) === 'mysql' ? sql`mediumtext` : 'text';
}

/**
 * Inserts one row into a table with a generated key (see withSerialKey) and answers that key:
 * `RETURNING` on PostgreSQL and SQLite, the driver's insert id on MySQL, which has no RETURNING.
 */
export async function insertForId<DB, T extends keyof DB & string>(
  db: Kysely<DB>,
  table: T,
  values: Insertable<DB[T]>,
  key = 'id',
): Promise<number> {
  const any = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const insert = any.insertInto(table).values(values as Record<string, unknown>);
  if (dialectOf(db as Kysely<unknown>) === 'mysql') {
    const { insertId } = await insert.executeTakeFirstOrThrow();
    if (insertId === undefined) throw new Error(`insert into ${table} gave no generated key`);
    return Number(insertId);
  }
  const row = await insert.returning(key).executeTakeFirstOrThrow();
  return Number(row[key]);
}

/**
 * Whether an insert failed on a primary or unique key, in any dialect. On PostgreSQL/MySQL two
 * transactions that both found no row can both insert: the later one fails here (on SQLite the
 * writers take turns, so the later one finds the row) — run it again to take the row it lost to.
 */
/**
 * Runs a find-or-create once more when it failed on a unique key: two calls with the same key
 * at once (a client's retry while the first still runs) may both find nothing on
 * PostgreSQL/MySQL, and the later insert fails on the key; run again, it finds the first's row.
 */
export async function againOnUniqueViolation<T>(findOrCreate: () => Promise<T>): Promise<T> {
  try {
    return await findOrCreate();
  } catch (error) {
    if (isUniqueViolation(error)) return findOrCreate();
    throw error;
  }
}

/** SQLite's extended codes SQLITE_CONSTRAINT_UNIQUE and _PRIMARYKEY (node:sqlite's `errcode`). */
const SQLITE_UNIQUE = new Set([2067, 1555]);

export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; errno?: unknown; errcode?: unknown } | null;
  return (
    e?.code === '23505' ||
    e?.errno === 1062 ||
    (e?.code === 'ERR_SQLITE_ERROR' && SQLITE_UNIQUE.has(e.errcode as number))
  );
}
