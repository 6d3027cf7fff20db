/**
 * The engine test tier's databases: the servers engines/postgres.sh and engines/mariadb.sh run
 * (URLs from ENGINE_POSTGRES_URL / ENGINE_MYSQL_URL, defaults as in engines/README.md), and an
 * empty database of its own for each test or service. An unreachable server fails the test,
 * never skips it.
 */
import { randomBytes } from 'node:crypto';

export type EngineDialect = 'postgres' | 'mysql';

const ENGINES: Record<EngineDialect, { env: string; url: string; name: string; start: string }> = {
  postgres: {
    env: 'ENGINE_POSTGRES_URL',
    url: 'postgres://bounded:bounded@127.0.0.1:55432/bounded',
    name: 'PostgreSQL',
    start: 'engines/postgres.sh start',
  },
  mysql: {
    env: 'ENGINE_MYSQL_URL',
    url: 'mysql://bounded:bounded@127.0.0.1:53306/bounded',
    name: 'MariaDB/MySQL',
    start: 'engines/mariadb.sh start',
  },
};

export const ENGINE_DIALECTS: readonly EngineDialect[] = ['postgres', 'mysql'];

/** The server's URL (its own database `bounded`): the env var, or the engines/ default. */
export function engineUrl(dialect: EngineDialect): string {
  const engine = ENGINES[dialect];
  return process.env[engine.env] || engine.url;
}

/** The URL without its password, for messages. */
export function redacted(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:@/]*):[^@/]*@/, '$1@');
}

/** Test databases older than this are dropped by the next freshDatabase (leftovers of crashed runs). */
const STALE_AFTER_S = 3 * 3600;
const pruned = new Set<EngineDialect>();

/**
 * Creates an empty database named `t_<created>_<random>` on the dialect's engine and answers
 * its URL (same user and password). The first call in a process also drops test databases
 * left over from runs more than a few hours old.
 */
export async function freshDatabase(dialect: EngineDialect): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const name = `t_${now.toString(36)}_${randomBytes(5).toString('hex')}`;
  await onServer(dialect, engineUrl(dialect), async (run) => {
    if (!pruned.has(dialect)) {
      pruned.add(dialect);
      for (const old of await run.list()) {
        const created = Number.parseInt(old.split('_')[1] ?? '', 36);
        if (Number.isFinite(created) && now - created > STALE_AFTER_S) await run.drop(old);
      }
    }
    await run.create(name);
  });
  const url = new URL(engineUrl(dialect));
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database freshDatabase made (connections to it are cut on PostgreSQL). */
export async function dropDatabase(url: string): Promise<void> {
  const dialect: EngineDialect = url.startsWith('postgres') ? 'postgres' : 'mysql';
  const name = new URL(url).pathname.slice(1);
  if (!/^t_[a-z0-9_]+$/.test(name)) throw new Error(`dropDatabase: ${name} is not a test database`);
  await onServer(dialect, engineUrl(dialect), (run) => run.drop(name));
}

interface ServerOps {
  list(): Promise<string[]>;
  create(name: string): Promise<void>;
  drop(name: string): Promise<void>;
}

async function onServer(
  dialect: EngineDialect,
  url: string,
  work: (ops: ServerOps) => Promise<void>,
): Promise<void> {
  const engine = ENGINES[dialect];
  const unreachable = (error: unknown) =>
    new Error(
      `${engine.name} at ${redacted(url)} is not reachable (${(error as Error).message || error}): run ${engine.start}`,
      { cause: error },
    );
  if (dialect === 'postgres') {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
    } catch (error) {
      throw unreachable(error);
    }
    try {
      await work({
        async list() {
          const { rows } = await client.query<{ datname: string }>(
            "SELECT datname FROM pg_database WHERE datname LIKE 't\\_%'",
          );
          return rows.map((r) => r.datname);
        },
        async create(name) {
          await client.query(`CREATE DATABASE "${name}"`);
        },
        async drop(name) {
          await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        },
      });
    } finally {
      await client.end();
    }
    return;
  }
  const mysql = await import('mysql2/promise');
  let connection: Awaited<ReturnType<typeof mysql.createConnection>>;
  try {
    connection = await mysql.createConnection({
      uri: url.replace(/^mariadb:/, 'mysql:'),
      connectTimeout: 5000,
    });
  } catch (error) {
    throw unreachable(error);
  }
  try {
    await work({
      async list() {
        const [rows] = await connection.query("SHOW DATABASES LIKE 't\\_%'");
        return (rows as Array<Record<string, string>>).map((r) => Object.values(r)[0]!);
      },
      async create(name) {
        // Binary collation: case-sensitive keys and code-point order, as on SQLite and PostgreSQL.
        await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
      },
      async drop(name) {
        await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      },
    });
  } finally {
    await connection.end();
  }
}
