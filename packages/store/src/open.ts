import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  Kysely,
  type Dialect as KyselyDialect,
  type Migration,
  Migrator,
  MysqlDialect,
  PostgresDialect,
  SqliteDialect,
  sql,
} from 'kysely';

export type DialectName = 'sqlite' | 'postgres' | 'mysql';

/** One service's database: its Kysely handle, transactions and migrations. */
export interface Store<DB> {
  readonly db: Kysely<DB>;
  readonly dialect: DialectName;
  /**
   * Runs `work` in one transaction. On SQLite it begins IMMEDIATE so replicas of a service
   * sharing the file serialize their writers instead of failing on a lock upgrade.
   * Keep network calls out of `work`: the transaction holds the connection.
   */
  transaction<T>(work: (trx: Kysely<DB>) => Promise<T>): Promise<T>;
  /** Applies the named migrations not yet applied, in name order. */
  migrate(migrations: Record<string, Migration>): Promise<void>;
  isOpen(): boolean;
  close(): Promise<void>;
}

export class StoreConfigError extends Error {
  readonly code = 'STORE.CONFIG';
}

/**
 * Opens the database named by DATABASE_URL: `sqlite:<file>` (or `sqlite::memory:`),
 * `postgres://…` / `postgresql://…`, or `mysql://…` / `mariadb://…`.
 * Drivers for PostgreSQL and MySQL load only when asked for.
 */
export async function openStore<DB>(url: string): Promise<Store<DB>> {
  const { dialect, kysely } = await dialectFor(url);
  const db = new Kysely<DB>({ dialect: kysely });
  if (dialect === 'sqlite') await sql`PRAGMA foreign_keys = ON`.execute(db);
  let open = true;
  return {
    db,
    dialect,
    transaction: (work) => (dialect === 'sqlite' ? immediate(db, work) : db.transaction().execute(work)),
    async migrate(migrations) {
      const migrator = new Migrator({
        db,
        provider: { getMigrations: async () => migrations },
        migrationTableName: 'bounded_migration',
        migrationLockTableName: 'bounded_migration_lock',
        // The runtime adds tables of its own over time; they must apply to existing databases too.
        allowUnorderedMigrations: true,
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error) {
        const failed = results?.find((r) => r.status === 'Error')?.migrationName;
        throw new Error(`migration ${failed ?? ''} failed: ${(error as Error).message ?? error}`, {
          cause: error,
        });
      }
    },
    isOpen: () => open,
    async close() {
      if (!open) return;
      open = false;
      await db.destroy();
    },
  };
}

async function immediate<DB, T>(db: Kysely<DB>, work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (connection) => {
    await sql`BEGIN IMMEDIATE`.execute(connection);
    try {
      const result = await work(connection);
      await sql`COMMIT`.execute(connection);
      return result;
    } catch (error) {
      await sql`ROLLBACK`.execute(connection);
      throw error;
    }
  });
}

async function dialectFor(url: string): Promise<{ dialect: DialectName; kysely: KyselyDialect }> {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (!file) throw new StoreConfigError('DATABASE_URL sqlite: needs a file, e.g. sqlite:./data/order.db');
    const { default: Database } = await import('better-sqlite3');
    const path = file === ':memory:' ? file : resolve(file);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const database = new Database(path);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('busy_timeout = 10000');
    return { dialect: 'sqlite', kysely: new SqliteDialect({ database: withStatementCache(database) }) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { default: pg } = await import('pg');
    return {
      dialect: 'postgres',
      kysely: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 10 }) }),
    };
  }
  if (/^(mysql|mariadb):\/\//.test(url)) {
    const mysql = await import('mysql2');
    const pool = mysql.createPool({ uri: url.replace(/^mariadb:/, 'mysql:'), connectionLimit: 10 });
    return { dialect: 'mysql', kysely: new MysqlDialect({ pool }) };
  }
  throw new StoreConfigError(
    `DATABASE_URL ${url.replace(/\/\/[^@]*@/, '//***@')}: unknown database (expected sqlite:, postgres:// or mysql://)`,
  );
}

/**
 * Kysely's SQLite driver prepares every query anew; compiling the same SQL again was the
 * largest single cost of a command in a profile. Kysely runs one query at a time on the
 * connection, so reusing a prepared statement is safe.
 */
function withStatementCache<D extends { prepare(sql: string): unknown }>(database: D, limit = 1000): D {
  const cache = new Map<string, unknown>();
  const prepare = database.prepare.bind(database);
  database.prepare = ((sql: string) => {
    let statement = cache.get(sql);
    if (statement === undefined) {
      if (cache.size >= limit) cache.clear();
      statement = prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  }) as D['prepare'];
  return database;
}
