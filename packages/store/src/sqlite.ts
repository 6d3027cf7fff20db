/**
 * SQLite as a service's database: one node:sqlite connection per process, WAL, and four
 * adaptations of Kysely's dialect — node:sqlite shaped as the driver expects, row locks dropped,
 * statements prepared once, and a held write lock waited for on the event loop.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { setTimeout as sleep, setImmediate as yieldToLoop } from 'node:timers/promises';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type Dialect as KyselyDialect,
  type QueryResult,
  type SelectQueryNode,
  SqliteAdapter,
  type SqliteDatabase,
  SqliteDialect,
  SqliteQueryCompiler,
} from 'kysely';

/** How long a statement waits for another process's write lock before failing, as busy_timeout did. */
const LOCK_WAIT_MS = 10_000;

export async function openSqlite(file: string): Promise<KyselyDialect> {
  const path = file === ':memory:' ? file : resolve(file);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  // No waiting inside SQLite (timeout 0): its busy handler sleeps in this thread, so while a
  // replica sharing the file held the write lock, every request of this process stood still (up
  // to 100 ms a sleep). Locks are waited for in WaitingDriver instead, with the event loop free.
  const database = new DatabaseSync(path, { timeout: 0 });
  // Opening reads the file's header, and SQLite answers SQLITE_BUSY at once (no busy handler)
  // while another process holds it: one recovering the WAL a killed process left, or turning a
  // new file to WAL (seen: a test's store opened beside a producer started after a kill -9).
  await untilUnlocked(() => database.exec('PRAGMA journal_mode = WAL'));
  await untilUnlocked(() => database.exec('PRAGMA synchronous = NORMAL'));
  return new SqliteWithoutRowLocks(database);
}

/**
 * node:sqlite in the shape Kysely's SqliteDialect drives (better-sqlite3's): statements take
 * their parameters as one array there, spread here; `reader` is whether the statement returns
 * columns; rows are made plain objects. Statements are prepared once (withStatementCache).
 */
function forKysely(database: DatabaseSync): SqliteDatabase {
  const prepare = withStatementCache((sql: string) => shaped(database.prepare(sql)));
  return { prepare, close: () => database.close() };
}

function shaped(statement: StatementSync): ReturnType<SqliteDatabase['prepare']> {
  type Values = Parameters<StatementSync['all']>;
  return {
    reader: statement.columns().length > 0,
    all: (parameters) => statement.all(...(parameters as Values)).map(plain),
    run: (parameters) => {
      const { changes, lastInsertRowid } = statement.run(...(parameters as Values));
      return { changes, lastInsertRowid };
    },
    iterate: function* (parameters) {
      for (const row of statement.iterate(...(parameters as Values))) yield plain(row);
    },
  };
}

/** node:sqlite's rows have no prototype; callers compare them to, and treat them as, plain objects. */
function plain(row: object): object {
  return { ...row };
}

/**
 * SQLite has no row locks: a transaction there already holds the database's write lock
 * (BEGIN IMMEDIATE), so `.forUpdate()` and friends, written for PostgreSQL and MySQL, are
 * dropped from the SQL instead of failing as a syntax error.
 */
const ROW_LOCKS = new Set(['ForUpdate', 'ForNoKeyUpdate', 'ForShare', 'ForKeyShare', 'NoWait', 'SkipLocked']);

class SqliteWithoutRowLocks extends SqliteDialect {
  readonly #database: DatabaseSync;

  constructor(database: DatabaseSync) {
    super({ database: forKysely(database) });
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
  readonly #database: DatabaseSync;
  #connection: DatabaseConnection | undefined;

  constructor(inner: Driver, database: DatabaseSync) {
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

function waiting(connection: DatabaseConnection, database: DatabaseSync): DatabaseConnection {
  return {
    executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      // A refused statement inside a transaction is not run again: only the caller knows
      // whether the transaction can go on (BEGIN itself is outside one until it succeeds).
      return untilUnlocked(
        () => connection.executeQuery<R>(query),
        () => !database.isTransaction,
      );
    },
    streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
  };
}

/**
 * Runs `work` again while another process holds the lock it needs (SQLITE_BUSY), up to
 * LOCK_WAIT_MS, when `retriable` says so before a try. Writers hold the lock for well under a
 * millisecond: a turn of the loop first, then short sleeps, so a long holder costs nothing but time.
 */
async function untilUnlocked<T>(work: () => T | Promise<T>, retriable = () => true): Promise<T> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    const again = retriable();
    try {
      return await work();
    } catch (error) {
      if (!again || !isBusy(error) || Date.now() - started >= LOCK_WAIT_MS) throw error;
      await (attempt < 3 ? yieldToLoop() : sleep(Math.min(20, attempt - 2)));
    }
  }
}

/** SQLITE_BUSY, also in its extended forms (node:sqlite reports the extended code as `errcode`). */
function isBusy(error: unknown): boolean {
  const errcode = (error as { errcode?: unknown } | null)?.errcode;
  return typeof errcode === 'number' && (errcode & 0xff) === 5;
}

/**
 * Kysely's SQLite driver prepares every query anew; compiling the same SQL again was the
 * largest single cost of a command in a profile. Kysely runs one query at a time on the
 * connection, so reusing a prepared statement is safe.
 */
function withStatementCache<S>(prepare: (sql: string) => S, limit = 1000): (sql: string) => S {
  const cache = new Map<string, S>();
  return (sql) => {
    let statement = cache.get(sql);
    if (statement === undefined) {
      if (cache.size >= limit) cache.clear();
      statement = prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
}
