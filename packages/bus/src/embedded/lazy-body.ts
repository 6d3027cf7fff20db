import { fromWire, MalformedEventError } from '../envelope.ts';
import type { DeliveredEvent } from '../port.ts';
import type { StoredEvent } from './log.ts';

/**
 * An event whose body is decoded when its `data` or `timestamp` is first read (`lazyBodies`): the
 * log keeps type, id, key and source in columns of their own, so a reader that counts events by
 * them never parses a body it does not show. A class, not an object with getters of its own: a
 * reader of thousands of events a second creates one per event.
 */
export class LazyBodyEvent implements DeliveredEvent {
  readonly id: string;
  readonly topic: string;
  readonly key: string;
  readonly type: string;
  readonly source?: string;
  readonly traceparent?: string;
  readonly partition: number;
  readonly offset: number;
  readonly appendedAt: number;
  readonly #value: string;
  #body: { data: Readonly<Record<string, unknown>>; timestamp: number } | undefined;

  constructor(topic: string, stored: StoredEvent) {
    this.id = stored.id;
    this.topic = topic;
    this.key = stored.key;
    this.type = stored.type;
    this.source = stored.source ?? undefined;
    this.traceparent = stored.traceparent ?? undefined;
    this.partition = stored.partition;
    this.offset = stored.offset;
    this.appendedAt = stored.appended_at;
    this.#value = stored.value;
  }

  get data(): Readonly<Record<string, unknown>> {
    return this.#decoded().data;
  }

  get timestamp(): number {
    return this.#decoded().timestamp;
  }

  /** As JSON, the event with its body (as an eagerly decoded one would be). */
  toJSON(): DeliveredEvent {
    const { id, topic, key, type, timestamp, data, source, traceparent, partition, offset, appendedAt } =
      this;
    return { id, topic, key, type, timestamp, data, source, traceparent, partition, offset, appendedAt };
  }

  #decoded(): { data: Readonly<Record<string, unknown>>; timestamp: number } {
    if (this.#body) return this.#body;
    try {
      const wire = { key: this.key, value: this.#value, headers: { type: this.type, id: this.id } };
      const { data, timestamp } = fromWire(this.topic, wire, this.id);
      this.#body = { data, timestamp };
    } catch (error) {
      if (!(error instanceof MalformedEventError)) throw error;
      this.#body = { data: { raw: this.#value, error: error.message }, timestamp: this.appendedAt };
    }
    return this.#body;
  }
}
