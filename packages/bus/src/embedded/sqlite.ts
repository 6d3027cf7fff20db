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
  // Writers from other processes hold the lock for a few ms at most; wait rather than fail.
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  // Turning a new file to WAL takes an exclusive lock, and SQLite answers SQLITE_BUSY at once
  // (no busy handler) while another process opens the same file: members starting together.
  untilNotBusy(() => db.pragma('journal_mode = WAL'));
  db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
  return db;
}

const OPEN_WAIT_MS = 10_000;

/** Runs `work` again while another process holds the lock it needs (opening only: blocks briefly). */
function untilNotBusy<T>(work: () => T): T {
  const deadline = Date.now() + OPEN_WAIT_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 1; ; attempt++) {
    try {
      return work();
    } catch (error) {
      const busy = (error as { code?: string }).code?.startsWith('SQLITE_BUSY');
      if (!busy || Date.now() > deadline) throw error;
      Atomics.wait(pause, 0, 0, Math.min(50, attempt * 2));
    }
  }
}
