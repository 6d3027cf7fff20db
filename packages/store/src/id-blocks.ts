import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Store } from './open.ts';
import { dialectOf, keyText } from './schema.ts';

interface IdBlockTables {
  bounded_id_blocks: { name: string; next_id: number };
}

export const idBlockMigrations: Record<string, Migration> = {
  '0000_bounded_id_blocks': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('bounded_id_blocks')
        .addColumn('name', keyText, (c) => c.primaryKey())
        .addColumn('next_id', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
};

export interface IdBlocks {
  /** The next id: unique across processes sharing the database, increasing within one. */
  next(): Promise<number>;
}

/**
 * Numeric ids handed out from blocks reserved in one short transaction each (hi/lo): a
 * command that needs its id before it can do anything else (an order the payment must name)
 * costs no extra commit per id. Replicas sharing the database reserve disjoint blocks; a
 * restart skips the rest of its block, so ids have gaps, never repeats. `floor` gives the
 * first id of a sequence created over existing data (e.g. max(id) + 1).
 */
export function idBlocks(
  store: Store<any>,
  name: string,
  options: { blockSize?: number; floor?: (db: Kysely<any>) => Promise<number> } = {},
): IdBlocks {
  // One allocator per (database, sequence) in a process: asking again returns the same one.
  const named = allocators.get(store) ?? new Map<string, IdBlocks>();
  allocators.set(store, named);
  const allocator = named.get(name) ?? createIdBlocks(store, name, options);
  named.set(name, allocator);
  return allocator;
}

const allocators = new WeakMap<Store<any>, Map<string, IdBlocks>>();

function createIdBlocks(
  store: Store<any>,
  name: string,
  options: { blockSize?: number; floor?: (db: Kysely<any>) => Promise<number> },
): IdBlocks {
  const blockSize = options.blockSize ?? 100;
  let next = 0;
  let end = 0;
  let reserving: Promise<void> | undefined;

  async function reserve(): Promise<void> {
    const start = await store.transaction(async (trx) => {
      const db = trx as unknown as Kysely<IdBlockTables>;
      // The row lock makes replicas sharing the database take turns (SQLite: BEGIN IMMEDIATE already does).
      const locked = () =>
        db
          .selectFrom('bounded_id_blocks')
          .select('next_id')
          .where('name', '=', name)
          .forUpdate()
          .executeTakeFirst();
      let row = await locked();
      if (!row) {
        const first = Math.max(1, (await options.floor?.(trx)) ?? 1);
        // Another process may create the row at the same moment: then this insert waits for it
        // and does nothing, and the locked read below takes that process's row.
        const insert = db.insertInto('bounded_id_blocks').values({ name, next_id: first });
        await (dialectOf(trx) === 'mysql'
          ? insert.onDuplicateKeyUpdate({ name })
          : insert.onConflict((c) => c.column('name').doNothing())
        ).execute();
        row = await locked();
        if (!row) throw new Error(`id block ${name}: its row vanished while reserving`);
      }
      const start = Number(row.next_id);
      await db
        .updateTable('bounded_id_blocks')
        .set({ next_id: start + blockSize })
        .where('name', '=', name)
        .execute();
      return start;
    });
    // Only once the reservation committed: a failed commit hands out nothing.
    next = start;
    end = start + blockSize;
  }

  return {
    async next() {
      while (next >= end) {
        reserving ??= reserve().finally(() => {
          reserving = undefined;
        });
        await reserving;
      }
      return next++;
    },
  };
}
