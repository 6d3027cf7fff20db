/**
 * A command on one stored aggregate: load (row locked) → decide → save + events, in one transaction. The
 * system says where its rows live (`RowStore`) and which pure decision to take; this file keeps
 * the order of the steps, so a refusal (409) or a missing row (404) writes nothing.
 */
import type { ServiceContext } from '@bounded/kernel';
import type { Kysely, Selectable } from 'kysely';
import type { Decision } from './decision.ts';
import { decided } from './http.ts';
import type { OutboxEvent } from './paid-order.ts';

/** How a command reads its row: `lock` holds it until the transaction ends (SELECT … FOR UPDATE). */
export interface LoadOptions {
  readonly lock?: boolean;
}

/** Where one kind of aggregate is stored, and how its events reach the outbox. */
export interface RowStore<DB, S, E> {
  /**
   * Reads the aggregate; with `lock` (inside a command's transaction) no other transaction may
   * change the row until this one ends — on PostgreSQL/MySQL two commands on one row would
   * otherwise both decide on the same old state.
   */
  load(db: Kysely<DB>, id: number, options?: LoadOptions): Promise<S | undefined>;
  /** The error a missing id answers (a NotFoundError with the system's code). */
  notFound(id: number): Error;
  save(trx: Kysely<DB>, id: number, state: S): Promise<unknown>;
  toNewEvent(event: E): OutboxEvent;
}

/** Loads the aggregate, or throws the store's not-found error. */
export async function loadOrThrow<DB, S, E>(
  rows: RowStore<DB, S, E>,
  db: Kysely<DB>,
  id: number,
  options?: LoadOptions,
): Promise<S> {
  const state = await rows.load(db, id, options);
  if (state === undefined) throw rows.notFound(id);
  return state;
}

export function decideOnRow<DB, S, E>(
  ctx: Pick<ServiceContext<DB, unknown>, 'command'>,
  rows: RowStore<DB, S, E>,
  id: number,
  decide: (state: S) => Decision<S, E>,
  traceparent?: string,
): Promise<S> {
  return ctx.command(async (trx, record) => {
    const { state, events } = decided(decide(await loadOrThrow(rows, trx, id, { lock: true })));
    await rows.save(trx, id, state);
    await record(events.map(rows.toNewEvent));
    return state;
  }, traceparent);
}

/** Any table: the names were checked by the caller's types. */
type AnyTables = Record<string, Record<string, unknown>>;

/** The row store of a declared resource whose commands change only its `status` field. */
export function statusRowsOf<DB, S, E>(
  resource: {
    load(db: Kysely<AnyTables>, id: number, options?: LoadOptions): Promise<S | undefined>;
    update(db: Kysely<AnyTables>, id: number, patch: Partial<S>): Promise<void>;
    notFoundError(id: number): Error;
  },
  status: keyof S & string,
  toNewEvent: (event: E) => OutboxEvent,
): RowStore<DB, S, E> {
  const tables = (db: Kysely<DB>) => db as unknown as Kysely<AnyTables>;
  return {
    load: (db, id, options) => resource.load(tables(db), id, options),
    notFound: (id) => resource.notFoundError(id),
    save: (trx, id, state) => resource.update(tables(trx), id, { [status]: state[status] } as Partial<S>),
    toNewEvent,
  };
}
