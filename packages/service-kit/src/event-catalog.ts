/**
 * What every system's events.ts derives from its catalog of payloads: the decided-event union,
 * the outbox's shape of one (the bus key = the correlation id in the payload), a typed reading of a
 * delivered payload, and the correlation id of a delivered event (the key, else — for a keyless
 * event from a generated producer — the payload fields declared per type; see correlation.ts).
 */
import { type CorrelatedEvent, type CorrelationFields, correlationOf } from './correlation.ts';
import type { OutboxEvent } from './paid-order.ts';

/** An event as a command decides it: its type and payload, typed by the catalog. */
export type EventOf<P> = { [T in keyof P & string]: { type: T; data: P[T] } }[keyof P & string];

export interface EventCatalogSpec<P> {
  /** The payload field holding the correlation id (`orderId`, `rentalId`): also the bus key. */
  readonly key: string;
  /** How the id is named in errors ('order id'). */
  readonly name: string;
  /** Per type, the fields a keyless event may carry the id in (else `fallback`). */
  readonly correlation?: Partial<Record<keyof P & string, readonly string[]>>;
  /** The fields tried for a type `correlation` does not list (default: `key` alone). */
  readonly fallback?: readonly string[];
  /** Reads a delivered payload before a policy does (e.g. a seed's other spelling of a field). */
  read?(data: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>>;
}

export interface EventCatalog<P> {
  /** The outbox's shape of a decided event: key = the payload's correlation id. */
  toNewEvent(event: EventOf<P>): OutboxEvent & { key: string; data: Record<string, unknown> };
  /** A delivered event's payload as the catalog says it is. */
  payloadOf<T extends keyof P & string>(type: T, data: Readonly<Record<string, unknown>>): P[T];
  /** The correlation id of a delivered event; refused (never 0) when it names none. */
  idOf(event: CorrelatedEvent): number;
}

export function eventCatalog<P>(spec: EventCatalogSpec<P>): EventCatalog<P> {
  const idOf = correlationOf((spec.correlation ?? {}) as CorrelationFields, {
    name: spec.name,
    fallback: spec.fallback ?? [spec.key],
  });
  return {
    toNewEvent(event) {
      const data = event.data as unknown as Record<string, unknown>;
      const id = data[spec.key];
      if (id === undefined || id === null) throw new Error(`${event.type} carries no ${spec.key}`);
      return { type: event.type, key: String(id), data };
    },
    payloadOf: (_type, data) => (spec.read ? spec.read(data) : data) as never,
    idOf,
  };
}
