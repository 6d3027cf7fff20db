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
  // No type header (a generated service of the older generation sends only contentType and
  // spring_json_header_types): the body's eventType names it.
  const type =
    unquote(wire.headers.type) ??
    (typeof fields.eventType === 'string' && fields.eventType !== '' ? fields.eventType : undefined);
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

/** A header's value, unquoted (Spring's mapper may JSON-quote it); undefined when absent or empty. */
function unquote(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  if (header.length >= 2 && header.startsWith('"') && header.endsWith('"')) {
    let value: unknown;
    try {
      value = JSON.parse(header);
    } catch {
      value = header.slice(1, -1);
    }
    return typeof value === 'string' && value !== '' ? value : undefined;
  }
  return header;
}

const COMPACT = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

/**
 * The zone a `yyyyMMddHHmmss` timestamp is read in: a generated service formats the JVM's local
 * time with no zone (`new SimpleDateFormat("YYYYMMddHHmmss").format(new Date())`). `BUS_TIMESTAMP_ZONE`
 * (an IANA zone such as `Asia/Seoul`; default `UTC`), or setTimestampZone() in a composition root.
 */
let compactZone: string | undefined;

/** Sets the zone compact timestamps are read in (an IANA name); throws for an unknown zone. */
export function setTimestampZone(zone: string): void {
  zoneOffsetMs(zone, 0); // RangeError for an unknown zone
  compactZone = zone;
}

function currentZone(): string {
  if (compactZone === undefined) setTimestampZone(process.env.BUS_TIMESTAMP_ZONE || 'UTC');
  return compactZone as string;
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** How far the zone's wall clock is ahead of UTC at the instant `utcMs`. */
function zoneOffsetMs(zone: string, utcMs: number): number {
  if (zone === 'UTC') return 0;
  let format = offsetFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetFormats.set(zone, format);
  }
  const parts: Record<string, number> = {};
  for (const { type, value } of format.formatToParts(utcMs)) parts[type] = Number(value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - (utcMs - (utcMs % 1000));
}

/** The instant a wall-clock time in `zone` names (the earlier one in a DST overlap). */
function fromWallClock(zone: string, wallMs: number): number {
  const first = wallMs - zoneOffsetMs(zone, wallMs);
  const second = wallMs - zoneOffsetMs(zone, first);
  return Math.min(first, second);
}

/**
 * A compact timestamp as an instant. The generated pattern's `YYYY` is the week-based year: in the
 * last days of December it already names the next year (and, in ISO-week locales, the first days
 * of January the previous one). Such a date, when the other calendar year puts it within a month
 * of `now` (the time it is received) and nearer to it, is read with that year: a fresh event is
 * never stamped a year off, and an old one (a replay) keeps the year it says.
 */
function compactInstant(match: RegExpExecArray, zone: string, now: number): number {
  const [y, mo, d, h, mi, s] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const at = (year: number) => fromWallClock(zone, Date.UTC(year, mo - 1, d, h, mi, s));
  const read = at(y);
  const weekYearDrift = (mo === 12 && d >= 22) || (mo === 1 && d <= 7);
  if (!weekYearDrift) return read;
  const other = at(mo === 12 ? y - 1 : y + 1);
  // Only a fresh event is moved (within a few weeks of its arrival under the other year): an old
  // one — a replay, a backlog — is read as it says.
  const fresh = Math.abs(other - now) < WEEK_YEAR_WINDOW_MS;
  return fresh && Math.abs(other - now) < Math.abs(read - now) ? other : read;
}

const WEEK_YEAR_WINDOW_MS = 31 * 24 * 3600_000;

/**
 * Epoch ms from a number, a numeric string, "yyyyMMddHHmmss" (read in the zone of
 * BUS_TIMESTAMP_ZONE, default UTC, with the `YYYY` week-year quirk tolerated) or an ISO date.
 */
export function parseTimestamp(
  value: unknown,
  options: { readonly zone?: string; readonly now?: number } = {},
): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const compact = COMPACT.exec(value);
    if (compact) return compactInstant(compact, options.zone ?? currentZone(), options.now ?? Date.now());
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
