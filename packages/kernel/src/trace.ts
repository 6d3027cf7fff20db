/**
 * W3C Trace Context (`traceparent`) without an OpenTelemetry SDK: enough to join logs across
 * services and events by trace id, and to let a real tracer take over later on the same header.
 */
import { randomFillSync } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';

export interface TraceContext {
  traceId: string; // 32 lowercase hex
  spanId: string; // 16 lowercase hex: this hop's span, the parent of anything it calls
  flags: string; // 2 hex, e.g. '01' = sampled
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;

/** Parses a `traceparent` header; undefined for anything the spec says to ignore. */
export function parseTraceparent(header: string | string[] | undefined): TraceContext | undefined {
  if (typeof header !== 'string') return undefined;
  const m = TRACEPARENT.exec(header.trim().toLowerCase());
  if (!m) return undefined;
  const [, version, traceId, spanId, flags] = m;
  // 'ff' is forbidden; version 00 must have exactly four fields; all-zero ids are invalid.
  if (version === 'ff' || (version === '00' && header.trim().length !== 55)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, flags };
}

export function formatTraceparent(ctx: TraceContext): string {
  return `00-${ctx.traceId}-${ctx.spanId}-${ctx.flags}`;
}

/** A child span of `parent` (same trace, new span id), or the root of a new trace. */
// Ids come from a pool of random bytes refilled 4 KB at a time: one randomBytes() call per
// request showed in the order service's profile.
const pool = Buffer.alloc(4096);
let used = pool.length;

function randomHex(bytes: number): string {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += bytes;
  return pool.toString('hex', used - bytes, used);
}

export function newTraceContext(parent?: TraceContext): TraceContext {
  return {
    traceId: parent?.traceId ?? randomHex(16),
    spanId: randomHex(8),
    flags: parent?.flags ?? '01',
  };
}

// Keyed by the raw request because Fastify builds the request's logger from the raw request,
// before the FastifyRequest exists; the WeakMap lets the context die with the request.
const contexts = new WeakMap<IncomingMessage, TraceContext>();

/** The request's trace id, continuing the caller's trace when it sent a valid `traceparent`. */
export function traceIdForRawRequest(raw: IncomingMessage): string {
  let ctx = contexts.get(raw);
  if (!ctx) {
    ctx = newTraceContext(parseTraceparent(raw.headers.traceparent));
    contexts.set(raw, ctx);
  }
  return ctx.traceId;
}

export function traceContext(request: FastifyRequest): TraceContext {
  traceIdForRawRequest(request.raw);
  return contexts.get(request.raw)!;
}

/** The header to put on outgoing calls and events caused by this request. */
export function currentTraceparent(request: FastifyRequest): string {
  return formatTraceparent(traceContext(request));
}
