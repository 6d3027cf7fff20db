import Database from 'better-sqlite3';

/**
 * Opens one of the log's SQLite files, shared by every process on this machine.
 * WAL lets readers run beside the single writer; synchronous=NORMAL survives a killed
 * process (not a power cut: set `durability: 'full'` for that, at a cost per commit).
 */
export function openSqlite(
  path: string,
  durability: 'process' | 'full',
  busyTimeoutMs = 10_000,
): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
  // Writers from other processes hold the lock for a few ms at most; wait rather than fail.
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  return db;
}
