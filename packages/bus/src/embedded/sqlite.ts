import { DatabaseSync } from 'node:sqlite';

/**
 * Opens one of the log's SQLite files, shared by every process on this machine.
 * WAL lets readers run beside the single writer; synchronous=NORMAL survives a killed
 * process (not a power cut: set `durability: 'full'` for that, at a cost per commit).
 * node:sqlite (built into Node), not a native module: nothing to compile on install.
 */
export function openSqlite(
  path: string,
  durability: 'process' | 'full',
  busyTimeoutMs = 10_000,
): DatabaseSync {
  // Writers from other processes hold the lock for a few ms at most; wait rather than fail.
  const db = new DatabaseSync(path, { timeout: busyTimeoutMs });
  // Turning a new file to WAL takes an exclusive lock, and SQLite answers SQLITE_BUSY at once
  // (no busy handler) while another process opens the same file: members starting together.
  untilNotBusy(() => db.exec('PRAGMA journal_mode = WAL'));
  db.exec(`PRAGMA synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
  return db;
}

/** SQLITE_BUSY, also in its extended forms (node:sqlite reports the extended code as `errcode`). */
export function isBusy(error: unknown): boolean {
  const errcode = (error as { errcode?: unknown } | null)?.errcode;
  return typeof errcode === 'number' && (errcode & 0xff) === 5;
}

/**
 * Runs `work` in one transaction, as better-sqlite3's `transaction()` did: committed when it
 * returns, rolled back when it throws. 'immediate' takes the write lock up front, so two
 * processes never deadlock upgrading a read; 'deferred' is a read snapshot.
 */
export function inTransaction<T>(db: DatabaseSync, mode: 'immediate' | 'deferred', work: () => T): T {
  db.exec(mode === 'immediate' ? 'BEGIN IMMEDIATE' : 'BEGIN');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
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
      if (!isBusy(error) || Date.now() > deadline) throw error;
      Atomics.wait(pause, 0, 0, Math.min(50, attempt * 2));
    }
  }
}
