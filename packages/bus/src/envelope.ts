import type { EventMessage } from './port.ts';

/** The MSAEz wire form: JSON body with eventType/timestamp next to the fields, plus headers. */
export interface WireEvent {
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
}

export class MalformedEventError extends Error {
  readonly code = 'EVENT.MALFORMED';
}

/** Fields of the body that belong to the envelope, not to the event's data. */
const ENVELOPE_FIELDS = new Set(['eventType', 'timestamp', 'me']);

export function toWire(message: EventMessage): WireEvent {
  const headers: Record<string, string> = { type: message.type, id: message.id };
  if (message.traceparent) headers.traceparent = message.traceparent;
  if (message.source) headers.source = message.source;
  const value = JSON.stringify({ eventType: message.type, timestamp: message.timestamp, ...message.data });
  return { key: message.key, value, headers };
}

/**
 * Decodes both generations of generated Java events: `type` header possibly JSON-quoted by
 * Spring's header mapper, `timestamp` as epoch ms or as "yyyyMMddHHmmss", an extra `"me":true`.
 * `fallbackId` is used when a producer sent no `id` header (e.g. `topic-partition-offset`).
 */
export function fromWire(
  topic: string,
  wire: { key?: string | null; value: string; headers: Record<string, string | undefined> },
  fallbackId: string,
): EventMessage {
  let body: unknown;
  try {
    body = JSON.parse(wire.value);
  } catch {
    throw new MalformedEventError(`event ${fallbackId} on ${topic} is not JSON`);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new MalformedEventError(`event ${fallbackId} on ${topic} is not a JSON object`);
  }
  const fields = body as Record<string, unknown>;
  const type =
    unquote(wire.headers.type) ?? (typeof fields.eventType === 'string' ? fields.eventType : undefined);
  if (!type) throw new MalformedEventError(`event ${fallbackId} on ${topic} has no type`);
  const data: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) if (!ENVELOPE_FIELDS.has(name)) data[name] = value;
  return {
    id: unquote(wire.headers.id) ?? fallbackId,
    topic,
    key: wire.key ?? '',
    type,
    timestamp: parseTimestamp(fields.timestamp),
    data,
    source: unquote(wire.headers.source),
    traceparent: unquote(wire.headers.traceparent),
  };
}

function unquote(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  if (header.length >= 2 && header.startsWith('"') && header.endsWith('"')) {
    try {
      return JSON.parse(header) as string;
    } catch {
      return header.slice(1, -1);
    }
  }
  return header;
}

const COMPACT = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

/** Epoch ms from a number, a numeric string, "yyyyMMddHHmmss" (read as UTC) or an ISO date. */
export function parseTimestamp(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const compact = COMPACT.exec(value);
    if (compact) {
      const [, y, mo, d, h, mi, s] = compact.map(Number);
      return Date.UTC(y, mo - 1, d, h, mi, s);
    }
    if (/^\d+$/.test(value)) return Number(value);
    const parsed = Date.parse(value);
    if (!Number.isNaN(parsed)) return parsed;
  }
  return 0;
}

/** Stable partition for a key (FNV-1a): one key always lands on one partition. */
export function partitionFor(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}
