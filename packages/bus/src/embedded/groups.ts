import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { inTransaction, openSqlite } from './sqlite.ts';

export interface Membership {
  /** Partitions this member holds the lease of. */
  owned: Set<number>;
  /** Partitions the current assignment gives this member (may still be held by another). */
  desired: Set<number>;
  /** This beat added or evicted a member: the others should beat now, not at their next tick. */
  changed: boolean;
}

/**
 * Consumer-group coordination through a shared SQLite file: members heartbeat a lease,
 * partitions are assigned round-robin over the live members (sorted by id), and a partition
 * changes hands only when its owner released it or died — so with stable membership no two
 * members ever handle the same partition. Kept apart from the log file so heartbeats and
 * offset commits do not wake the log's readers.
 */
export class GroupCoordinator {
  readonly #db: DatabaseSync;
  readonly #sessionMs: number;
  readonly #statements = new Map<string, StatementSync>();

  constructor(path: string, options: { sessionMs: number; durability: 'process' | 'full' }) {
    this.#sessionMs = options.sessionMs;
    this.#db = openSqlite(path, options.durability);
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS members (
        grp TEXT NOT NULL, topic TEXT NOT NULL, member TEXT NOT NULL, pid INTEGER NOT NULL,
        expires_at INTEGER NOT NULL, PRIMARY KEY (grp, topic, member)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS owners (
        grp TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL, member TEXT NOT NULL,
        PRIMARY KEY (grp, topic, partition)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS offsets (
        grp TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL, next_offset INTEGER NOT NULL,
        PRIMARY KEY (grp, topic, partition)) WITHOUT ROWID;`);
  }

  /** Renews this member's lease, evicts dead members and claims what the assignment gives it. */
  heartbeat(group: string, topic: string, member: string, partitions: number, now = Date.now()): Membership {
    return inTransaction(this.#db, 'immediate', (): Membership => {
      let changed = !this.#sql('SELECT 1 FROM members WHERE grp = ? AND topic = ? AND member = ?').get(
        group,
        topic,
        member,
      );
      this.#sql(
        `INSERT INTO members (grp, topic, member, pid, expires_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (grp, topic, member) DO UPDATE SET expires_at = excluded.expires_at`,
      ).run(group, topic, member, process.pid, now + this.#sessionMs);
      const members = this.#sql(
        'SELECT member, pid, expires_at FROM members WHERE grp = ? AND topic = ? ORDER BY member',
      ).all(group, topic) as unknown as Array<{ member: string; pid: number; expires_at: number }>;
      const live: string[] = [];
      for (const row of members) {
        if (row.member === member || (row.expires_at > now && processAlive(row.pid))) live.push(row.member);
        else {
          this.#evict(group, topic, row.member);
          changed = true;
        }
      }
      const owners = new Map(
        (
          this.#sql('SELECT partition, member FROM owners WHERE grp = ? AND topic = ?').all(
            group,
            topic,
          ) as unknown as Array<{
            partition: number;
            member: string;
          }>
        ).map((row) => [row.partition, row.member]),
      );
      const index = live.indexOf(member);
      const desired = new Set<number>();
      const owned = new Set<number>();
      for (let partition = 0; partition < partitions; partition++) {
        if (partition % live.length === index) desired.add(partition);
        const owner = owners.get(partition);
        if (owner === member) owned.add(partition);
        else if (owner === undefined && desired.has(partition)) {
          this.#db
            .prepare('INSERT INTO owners (grp, topic, partition, member) VALUES (?, ?, ?, ?)')
            .run(group, topic, partition, member);
          owned.add(partition);
        }
      }
      return { owned, desired, changed };
    });
  }

  /** The group's committed position in a partition (0 = from the beginning of retention). */
  position(group: string, topic: string, partition: number): number {
    const row = this.#db
      .prepare('SELECT next_offset FROM offsets WHERE grp = ? AND topic = ? AND partition = ?')
      .get(group, topic, partition) as unknown as { next_offset: number } | undefined;
    return row?.next_offset ?? 0;
  }

  /**
   * Commits positions in one transaction, each fenced by ownership: answers the partitions
   * this member no longer owns, whose positions were not written.
   */
  commit(group: string, topic: string, member: string, positions: ReadonlyMap<number, number>): Set<number> {
    return inTransaction(this.#db, 'immediate', (): Set<number> => {
      const fenced = new Set<number>();
      for (const [partition, nextOffset] of positions) {
        const owner = this.#sql(
          'SELECT member FROM owners WHERE grp = ? AND topic = ? AND partition = ?',
        ).get(group, topic, partition) as unknown as { member: string } | undefined;
        if (owner?.member !== member) {
          fenced.add(partition);
          continue;
        }
        this.#sql(
          `INSERT INTO offsets (grp, topic, partition, next_offset) VALUES (?, ?, ?, ?)
             ON CONFLICT (grp, topic, partition) DO UPDATE SET next_offset = excluded.next_offset`,
        ).run(group, topic, partition, nextOffset);
      }
      return fenced;
    });
  }

  release(group: string, topic: string, partition: number, member: string): void {
    this.#db
      .prepare('DELETE FROM owners WHERE grp = ? AND topic = ? AND partition = ? AND member = ?')
      .run(group, topic, partition, member);
  }

  leave(group: string, topic: string, member: string): void {
    inTransaction(this.#db, 'immediate', () => this.#evict(group, topic, member));
  }

  #evict(group: string, topic: string, member: string): void {
    this.#sql('DELETE FROM owners WHERE grp = ? AND topic = ? AND member = ?').run(group, topic, member);
    this.#sql('DELETE FROM members WHERE grp = ? AND topic = ? AND member = ?').run(group, topic, member);
  }

  /** Prepared once: a heartbeat runs every second in every member, so compiling SQL each time shows. */
  #sql(text: string): StatementSync {
    let statement = this.#statements.get(text);
    if (!statement) {
      statement = this.#db.prepare(text);
      this.#statements.set(text, statement);
    }
    return statement;
  }

  close(): void {
    this.#db.close();
  }
}

/** Members share this machine, so a crashed one is seen at once instead of after its lease. */
function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
