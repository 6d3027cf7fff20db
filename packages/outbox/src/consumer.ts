import { setTimeout as sleep } from 'node:timers/promises';
import {
  type BatchHandler,
  type DeliveredEvent,
  type EventHandler,
  MALFORMED_EVENT_TYPE,
} from '@bounded/bus';
import { dialectOf, type Kysely, reusable, type Store } from '@bounded/store';
import { messageOf, messaging, storedMessage } from './tables.ts';

/** A policy: reacts to one event type inside the consumer's transaction. */
export type PolicyHandler<DB> = (event: DeliveredEvent, trx: Kysely<DB>) => Promise<void>;

export interface ConsumerOptions<DB> {
  readonly store: Store<DB>;
  /** Consumer group = service name; also the inbox's namespace. */
  readonly group: string;
  /** Handlers by event type; other types are acknowledged and ignored, as generated policies do. */
  readonly handlers: Readonly<Record<string, PolicyHandler<DB>>>;
  /** Attempts before an event is parked (default 5), with backoff from baseDelayMs (default 50). */
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  /**
   * How long an event whose handler says `NotYetError` is retried before it is parked (default
   * 60 s; the backoff capped at 1 s): what it waits for is being written elsewhere.
   */
  readonly notYetForMs?: number;
  /** After a transaction that handled an event committed (e.g. to kick the outbox relay). */
  readonly afterCommit?: () => void;
  readonly onRetry?: (event: DeliveredEvent, error: unknown, attempt: number) => void;
  readonly onParked?: (event: DeliveredEvent, error: unknown) => void;
}

export interface IdempotentConsumer {
  /** The handler to subscribe with. */
  readonly handle: EventHandler;
  /** The batch handler to subscribe with: one transaction for a run of events. */
  readonly handleBatch: BatchHandler;
  /** The event types it has handlers for (the subscription's filter). */
  readonly types: readonly string[];
  readonly group: string;
  /** Runs one parked event again (after a fix); unparks it on success, throws if it fails again. */
  replay(eventId: string): Promise<'handled' | 'duplicate'>;
}

/** The inbox row of one event, or nothing when the group has it already (a duplicate). */
const insertClaim = reusable((db, [grp, event_id, handled_at]) => {
  const insert = messaging(db)
    .insertInto('bounded_inbox')
    .values({
      grp: grp as string,
      event_id: event_id as string,
      handled_at: handled_at as number,
    });
  return dialectOf(db) === 'mysql'
    ? insert.ignore()
    : insert.onConflict((conflict) => conflict.columns(['grp', 'event_id']).doNothing());
});

/**
 * Consumer middleware: dedupe by (group, event id) in the handler's own transaction, retry
 * with backoff, and park an event that keeps failing so its partition keeps flowing.
 */
export function idempotentConsumer<DB>(options: ConsumerOptions<DB>): IdempotentConsumer {
  const attempts = options.attempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 50;
  const notYetForMs = options.notYetForMs ?? 60_000;

  /**
   * Records the event in the inbox; false if it was there already (a duplicate). The primary
   * key makes a racing replica's claim wait for ours and then find the row.
   */
  async function claim(trx: Kysely<DB>, event: DeliveredEvent): Promise<boolean> {
    const result = await insertClaim(trx, [options.group, event.id, Date.now()]);
    return Number(result.numAffectedRows ?? 0) > 0;
  }

  async function once(event: DeliveredEvent, handler: PolicyHandler<DB>): Promise<'handled' | 'duplicate'> {
    const outcome = await options.store.transaction(async (trx) => {
      if (!(await claim(trx, event))) return 'duplicate' as const;
      await handler(event, trx);
      return 'handled' as const;
    });
    if (outcome === 'handled') options.afterCommit?.();
    return outcome;
  }

  /** Handles events one at a time: retries with backoff, then parks. */
  async function handle(event: DeliveredEvent): Promise<void> {
    if (event.type === MALFORMED_EVENT_TYPE) return park(event, String(event.data.error), 0);
    const handler = options.handlers[event.type];
    if (!handler) return;
    const first = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        await once(event, handler);
        return;
      } catch (error) {
        const waiting = error instanceof NotYetError && Date.now() - first < notYetForMs;
        if (attempt >= attempts && !waiting) return park(event, error, attempt);
        options.onRetry?.(event, error, attempt);
        await sleep(Math.min(baseDelayMs * 2 ** (attempt - 1), MAX_BACKOFF_MS));
      }
    }
  }

  /**
   * Handles a run of events in one transaction (one commit instead of one per event). If any
   * of them fails, the whole run rolls back and goes one at a time, so only the failing event
   * is retried and parked.
   */
  async function handleBatch(events: readonly DeliveredEvent[]): Promise<void> {
    const work = events.filter((event) => options.handlers[event.type] !== undefined);
    if (work.length < 2 || events.some((event) => event.type === MALFORMED_EVENT_TYPE)) {
      for (const event of events) await handle(event);
      return;
    }
    let handled = 0;
    try {
      await options.store.transaction(async (trx) => {
        for (const event of work) {
          if (!(await claim(trx, event))) continue;
          await options.handlers[event.type](event, trx);
          handled++;
        }
      });
    } catch {
      for (const event of work) await handle(event);
      return;
    }
    if (handled > 0) options.afterCommit?.();
  }

  async function park(event: DeliveredEvent, error: unknown, tries: number): Promise<void> {
    const row = {
      grp: options.group,
      event_id: event.id,
      ...storedMessage(event),
      partition: event.partition,
      offset: event.offset,
      error: describe(error),
      attempts: tries,
      parked_at: Date.now(),
    };
    await options.store.transaction(async (trx) => {
      const parked = messaging(trx);
      await parked
        .deleteFrom('bounded_parked')
        .where('grp', '=', row.grp)
        .where('event_id', '=', row.event_id)
        .execute();
      await parked.insertInto('bounded_parked').values(row).execute();
    });
    options.onParked?.(event, error);
  }

  return {
    group: options.group,
    types: Object.keys(options.handlers),
    handle,
    handleBatch,
    async replay(eventId) {
      const row = await messaging(options.store.db)
        .selectFrom('bounded_parked')
        .selectAll()
        .where('grp', '=', options.group)
        .where('event_id', '=', eventId)
        .executeTakeFirst();
      if (!row) throw new ParkedEventNotFound(options.group, eventId);
      const event: DeliveredEvent = {
        ...messageOf(row.event_id, row),
        partition: row.partition,
        offset: Number(row.offset),
      };
      const handler = options.handlers[event.type];
      if (!handler)
        throw new ParkedEventNotReplayable(eventId, `no handler for ${event.type} in ${options.group}`);
      let outcome: 'handled' | 'duplicate';
      try {
        outcome = await once(event, handler);
      } catch (error) {
        await park(event, error, row.attempts + 1);
        throw new ParkedEventNotReplayable(eventId, describe(error));
      }
      await messaging(options.store.db)
        .deleteFrom('bounded_parked')
        .where('grp', '=', options.group)
        .where('event_id', '=', eventId)
        .execute();
      return outcome;
    },
  };
}

const MAX_BACKOFF_MS = 1000;

/**
 * A handler's "not yet": what the event needs (e.g. the order it is about) is still being
 * written by another transaction or process — an order paid and saved a few seconds later after
 * its service restarted. Retried for `notYetForMs` instead of `attempts`, then parked like any
 * other failure, its partition waiting meanwhile (the events after it keep their order). Only
 * for what is written outside this partition: an event that waits for a later event of its own
 * partition waits in vain (it is behind the wait) — make the missing state from the early event
 * instead.
 */
export class NotYetError extends Error {
  override readonly name = 'NotYetError';
}

export class ParkedEventNotFound extends Error {
  readonly status = 404;
  readonly code = 'PARKED_EVENT.NOT_FOUND';
  constructor(group: string, eventId: string) {
    super(`no parked event ${eventId} in group ${group}`);
  }
}

export class ParkedEventNotReplayable extends Error {
  readonly status = 409;
  readonly code = 'PARKED_EVENT.STILL_FAILING';
  constructor(eventId: string, reason: string) {
    super(`parked event ${eventId} failed again: ${reason}`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
