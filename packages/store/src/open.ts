import { setTimeout as sleep } from 'node:timers/promises';
import {
  CompiledQuery,
  Kysely,
  type Dialect as KyselyDialect,
  MysqlDialect,
  PostgresDialect,
  sql,
} from 'kysely';
import { type Migration, Migrator } from 'kysely/migration';
import { openSqlite } from './sqlite.ts';

export type DialectName = 'sqlite' | 'postgres' | 'mysql';

/** One service's database: its Kysely handle, transactions and migrations. */
export interface Store<DB> {
  readonly db: Kysely<DB>;
  readonly dialect: DialectName;
  /**
   * Runs `work` in one transaction. On SQLite it begins IMMEDIATE so replicas of a service
   * sharing the file serialize their writers instead of failing on a lock upgrade.
   * On PostgreSQL and MySQL it runs READ COMMITTED: a read that decides a write must lock its
   * rows with `.forUpdate()` (which compiles to nothing on SQLite, already serialized), and a
   * transaction the server aborts as a deadlock or serialization failure is run again (up to
   * 3 times) — so `work` must have no effect outside the database.
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
    transaction: (work) =>
      dialect === 'sqlite' ? immediate(db, work) : retried(() => db.transaction().execute(work)),
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

// Compiled once: a transaction's three statements need no query building.
const BEGIN_IMMEDIATE = CompiledQuery.raw('BEGIN IMMEDIATE');
const COMMIT = CompiledQuery.raw('COMMIT');
const ROLLBACK = CompiledQuery.raw('ROLLBACK');

async function immediate<DB, T>(db: Kysely<DB>, work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (connection) => {
    await connection.executeQuery(BEGIN_IMMEDIATE);
    try {
      const result = await work(connection);
      await connection.executeQuery(COMMIT);
      return result;
    } catch (error) {
      await connection.executeQuery(ROLLBACK);
      throw error;
    }
  });
}

/** Deadlock or serialization failure: the server rolled the transaction back; running it again is safe. */
function isRetryable(error: unknown): boolean {
  const e = error as { code?: unknown; errno?: unknown } | null;
  return e?.code === '40P01' || e?.code === '40001' || e?.errno === 1213;
}

async function retried<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      await sleep(5 * attempt + Math.random() * 10);
    }
  }
}

async function dialectFor(url: string): Promise<{ dialect: DialectName; kysely: KyselyDialect }> {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (!file) throw new StoreConfigError('DATABASE_URL sqlite: needs a file, e.g. sqlite:./data/order.db');
    return { dialect: 'sqlite', kysely: await openSqlite(file) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      // bigint (int8: bigserial keys, counts, millisecond timestamps) as a number, as SQLite
      // and MySQL answer it, instead of pg's string.
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === pg.types.builtins.INT8 && format !== 'binary'
            ? safeInteger
            : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    // An idle connection the server dropped must not crash the process: the next query fails instead.
    pool.on('error', () => {});
    return { dialect: 'postgres', kysely: new PostgresDialect({ pool }) };
  }
  if (/^(mysql|mariadb):\/\//.test(url)) {
    const mysql = await import('mysql2');
    const pool = mysql.createPool({
      uri: url.replace(/^mariadb:/, 'mysql:'),
      connectionLimit: 10,
      // BIGINT beyond 2^53 as a string rather than a silently wrong number.
      supportBigNumbers: true,
    });
    return {
      dialect: 'mysql',
      kysely: new MysqlDialect({
        pool,
        // The same isolation as PostgreSQL's default: each statement sees what committed before
        // it, and locking reads take no gap locks (fewer deadlocks than REPEATABLE READ).
        onCreateConnection: async (connection) => {
          await connection.executeQuery(
            CompiledQuery.raw('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED'),
          );
        },
      }),
    };
  }
  throw new StoreConfigError(
    `DATABASE_URL ${url.replace(/\/\/[^@]*@/, '//***@')}: unknown database (expected sqlite:, postgres:// or mysql://)`,
  );
}

function safeInteger(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${text} does not fit a JavaScript number`);
  return n;
}
