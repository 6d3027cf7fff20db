import { randomUUID } from 'node:crypto';
import type { EventMessage } from '@bounded/bus';
import type { Kysely } from '@bounded/store';
import { messaging, storedMessage } from './tables.ts';

/** What a command decides to announce: the envelope is filled in by the outbox. */
export interface NewEvent {
  readonly type: string;
  /** Correlation id (order id …): the partitioning key. */
  readonly key: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface Outbox {
  /**
   * Writes events in the caller's transaction, so they commit with the state change or not
   * at all. The relay publishes them after commit.
   */
  record(
    trx: Kysely<any>,
    events: readonly NewEvent[],
    context?: { traceparent?: string },
  ): Promise<EventMessage[]>;
}

export function createOutbox(options: {
  topic: string;
  source: string;
  clock?: () => number;
  newId?: () => string;
}): Outbox {
  const clock = options.clock ?? Date.now;
  const newId = options.newId ?? randomUUID;
  return {
    async record(trx, events, context = {}) {
      if (events.length === 0) return [];
      const timestamp = clock();
      const messages: EventMessage[] = events.map((e) => ({
        id: newId(),
        topic: options.topic,
        key: e.key,
        type: e.type,
        timestamp,
        data: e.data,
        source: options.source,
        traceparent: context.traceparent,
      }));
      await messaging(trx)
        .insertInto('bounded_outbox')
        .values(messages.map((m) => ({ id: m.id, ...storedMessage(m) })))
        .execute();
      return messages;
    },
  };
}
