import { type CreateTableBuilder, type Kysely, MysqlAdapter, PostgresAdapter } from 'kysely';
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
