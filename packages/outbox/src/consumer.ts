import { setTimeout as sleep } from 'node:timers/promises';
import { type DeliveredEvent, type EventHandler, MALFORMED_EVENT_TYPE } from '@bounded/bus';
import type { Kysely, Store } from '@bounded/store';
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
  /** After a transaction that handled an event committed (e.g. to kick the outbox relay). */
  readonly afterCommit?: () => void;
  readonly onRetry?: (event: DeliveredEvent, error: unknown, attempt: number) => void;
  readonly onParked?: (event: DeliveredEvent, error: unknown) => void;
}

export interface IdempotentConsumer {
  /** The handler to subscribe with. */
  readonly handle: EventHandler;
  readonly group: string;
  /** Runs one parked event again (after a fix); unparks it on success, throws if it fails again. */
  replay(eventId: string): Promise<'handled' | 'duplicate'>;
}

/**
 * Consumer middleware: dedupe by (group, event id) in the handler's own transaction, retry
 * with backoff, and park an event that keeps failing so its partition keeps flowing.
 */
export function idempotentConsumer<DB>(options: ConsumerOptions<DB>): IdempotentConsumer {
  const attempts = options.attempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 50;

  async function once(event: DeliveredEvent, handler: PolicyHandler<DB>): Promise<'handled' | 'duplicate'> {
    const outcome = await options.store.transaction(async (trx) => {
      const inbox = messaging(trx);
      const seen = await inbox
        .selectFrom('bounded_inbox')
        .select('event_id')
        .where('grp', '=', options.group)
        .where('event_id', '=', event.id)
        .executeTakeFirst();
      if (seen) return 'duplicate' as const;
      // The primary key makes a racing replica's insert fail, so its transaction rolls back.
      await inbox
        .insertInto('bounded_inbox')
        .values({ grp: options.group, event_id: event.id, handled_at: Date.now() })
        .execute();
      await handler(event, trx);
      return 'handled' as const;
    });
    if (outcome === 'handled') options.afterCommit?.();
    return outcome;
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
    async handle(event) {
      if (event.type === MALFORMED_EVENT_TYPE) return park(event, String(event.data.error), 0);
      const handler = options.handlers[event.type];
      if (!handler) return;
      for (let attempt = 1; ; attempt++) {
        try {
          await once(event, handler);
          return;
        } catch (error) {
          if (attempt >= attempts) return park(event, error, attempt);
          options.onRetry?.(event, error, attempt);
          await sleep(baseDelayMs * 2 ** (attempt - 1));
        }
      }
    },
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
