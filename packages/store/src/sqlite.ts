/**
 * SQLite as a service's database: one better-sqlite3 connection per process, WAL, and three
 * adaptations of Kysely's dialect — row locks dropped, statements prepared once, and a held
 * write lock waited for on the event loop.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep, setImmediate as yieldToLoop } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type Dialect as KyselyDialect,
  type QueryResult,
  type SelectQueryNode,
  SqliteAdapter,
  SqliteDialect,
  SqliteQueryCompiler,
} from 'kysely';

/** How long a statement waits for another process's write lock before failing, as busy_timeout did. */
const LOCK_WAIT_MS = 10_000;

export async function openSqlite(file: string): Promise<KyselyDialect> {
  const { default: Sqlite } = await import('better-sqlite3');
  const path = file === ':memory:' ? file : resolve(file);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new Sqlite(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  // No waiting inside SQLite: its busy handler sleeps in this thread, so while a replica sharing
  // the file held the write lock, every request of this process stood still (up to 100 ms a
  // sleep). Locks are waited for in WaitingDriver instead, with the event loop free.
  database.pragma('busy_timeout = 0');
  return new SqliteWithoutRowLocks(withStatementCache(database));
}

/**
 * SQLite has no row locks: a transaction there already holds the database's write lock
 * (BEGIN IMMEDIATE), so `.forUpdate()` and friends, written for PostgreSQL and MySQL, are
 * dropped from the SQL instead of failing as a syntax error.
 */
const ROW_LOCKS = new Set(['ForUpdate', 'ForNoKeyUpdate', 'ForShare', 'ForKeyShare', 'NoWait', 'SkipLocked']);

class SqliteWithoutRowLocks extends SqliteDialect {
  readonly #database: Database.Database;

  constructor(database: Database.Database) {
    super({ database });
    this.#database = database;
  }

  /**
   * SQLite runs DDL in transactions; saying so makes Kysely's migrator run in one (BEGIN
   * IMMEDIATE, below), so replicas starting together apply each migration once: one holds the
   * lock, the others wait and then find it applied. Kysely assumes otherwise for SQLite and
   * takes no lock at all: two processes could both run a migration.
   */
  override createAdapter() {
    return new (class extends SqliteAdapter {
      override get supportsTransactionalDdl(): boolean {
        return true;
      }
    })();
  }

  override createDriver(): Driver {
    return new WaitingDriver(super.createDriver(), this.#database);
  }

  override createQueryCompiler() {
    return new (class extends SqliteQueryCompiler {
      protected override visitSelectQuery(node: SelectQueryNode): void {
        const endModifiers = node.endModifiers?.filter((m) => !m.modifier || !ROW_LOCKS.has(m.modifier));
        super.visitSelectQuery({ ...node, endModifiers: endModifiers?.length ? endModifiers : undefined });
      }
    })();
  }
}

/**
 * Kysely's SQLite driver, with SQLITE_BUSY (another process holds the write lock) waited out on
 * the event loop and the statement run again — for a statement that starts a transaction or
 * runs on its own, which did nothing when refused. Inside a transaction nothing is retried; and
 * Kysely's own transactions begin IMMEDIATE (as the store's do), so a transaction that has begun
 * holds the lock and is never refused halfway.
 */
class WaitingDriver implements Driver {
  readonly #inner: Driver;
  readonly #database: Database.Database;
  #connection: DatabaseConnection | undefined;

  constructor(inner: Driver, database: Database.Database) {
    this.#inner = inner;
    this.#database = database;
  }

  init(): Promise<void> {
    return this.#inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.#inner.acquireConnection();
    this.#connection ??= waiting(connection, this.#database);
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(BEGIN_IMMEDIATE);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.rollbackTransaction(connection);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.#inner.releaseConnection(connection);
  }

  destroy(): Promise<void> {
    return this.#inner.destroy();
  }
}

const BEGIN_IMMEDIATE = CompiledQuery.raw('BEGIN IMMEDIATE');

function waiting(connection: DatabaseConnection, database: Database.Database): DatabaseConnection {
  return {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      const started = Date.now();
      for (let attempt = 0; ; attempt++) {
        // A refused statement inside a transaction is not run again: only the caller knows
        // whether the transaction can go on (BEGIN itself is outside one until it succeeds).
        const retriable = !database.inTransaction;
        try {
          return await connection.executeQuery<R>(query);
        } catch (error) {
          if (!retriable || !isBusy(error) || Date.now() - started >= LOCK_WAIT_MS) throw error;
          // Writers hold the lock for well under a millisecond: a turn of the loop first, then
          // short sleeps, so a long holder costs nothing but time.
          await (attempt < 3 ? yieldToLoop() : sleep(Math.min(20, attempt - 2)));
        }
      }
    },
    streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
  };
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
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
