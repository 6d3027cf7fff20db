/**
 * One place that turns anything thrown into Spring Boot's error body plus a stable code:
 * `{status, error, message, path, timestamp, code}` (+ `fields` on 400).
 * Deliberate errors keep their message; anything unexpected becomes a generic 500 whose details
 * go to the log only, because stack traces and SQL in responses leak internals.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, asHttpErrorLike, type FieldError } from './errors.ts';
import { fieldErrors } from './validation.ts';

export interface ErrorBody {
  status: number;
  error: string;
  message: string;
  path: string;
  timestamp: string;
  code: string;
  fields?: FieldError[];
}

interface Resolved {
  status: number;
  code: string;
  message: string;
  fields?: FieldError[];
  retryAfterSeconds?: number;
}

// Used when a 503 does not say when to come back: soon enough for a breaker's half-open probe.
const DEFAULT_RETRY_AFTER_SECONDS = 5;

// Fastify's own request errors, given stable codes and messages that don't assume application/json.
const FASTIFY_ERRORS: Record<string, { code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'REQUEST.INVALID_JSON', message: 'Request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'REQUEST.EMPTY_BODY', message: 'Request body is empty' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
    message: 'Unsupported content type; send application/json',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'REQUEST.TOO_LARGE', message: 'Request body is too large' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'REQUEST.INVALID_CONTENT_LENGTH',
    message: 'Request body size did not match Content-Length',
  },
};

export function resolveError(err: unknown): Resolved {
  const fe = err as Partial<FastifyError>;
  if (Array.isArray(fe.validation)) {
    const fields = fieldErrors(fe.validation, fe.validationContext);
    const summary = fields.map((f) => `${f.field} ${f.message}`).join('; ');
    return { status: 400, code: 'REQUEST.INVALID', message: `Invalid request: ${summary}`, fields };
  }
  const like = asHttpErrorLike(err);
  if (!like) return { status: 500, code: 'INTERNAL', message: 'An unexpected error occurred' };
  if (like.code.startsWith('FST_')) {
    // Fastify's 5xx codes are programming errors (bad schema, failed serialisation): hide them.
    if (like.status >= 500) return { status: 500, code: 'INTERNAL', message: 'An unexpected error occurred' };
    const known = FASTIFY_ERRORS[like.code];
    return {
      status: like.status,
      code: known?.code ?? 'REQUEST.INVALID',
      message: known?.message ?? like.message,
    };
  }
  // Our own AppErrors were written for clients. A foreign 5xx (e.g. the http-client's) may name
  // internal hosts, so it keeps its status and code but gets a fixed message.
  const message =
    err instanceof AppError || like.status < 500
      ? like.message
      : like.status === 503
        ? 'A service this request depends on is unavailable; retry later'
        : 'An unexpected error occurred';
  return { ...like, message };
}

export function errorBody(request: FastifyRequest, r: Resolved): ErrorBody {
  const body: ErrorBody = {
    status: r.status,
    error: STATUS_CODES[r.status] ?? 'Error',
    message: r.message,
    // Like Spring, the path without its query string (which may carry tokens).
    path: request.url.split('?')[0],
    timestamp: new Date().toISOString(),
    code: r.code,
  };
  if (r.fields && r.fields.length > 0) body.fields = r.fields;
  return body;
}

function send(request: FastifyRequest, reply: FastifyReply, r: Resolved): FastifyReply {
  if (r.status === 503) {
    reply.header('retry-after', String(Math.ceil(r.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS)));
  }
  // Serialised here, not by Fastify: a route's response schema for 4xx/5xx must not reshape or
  // strip the error body, and a route that set application/hal+json must not label an error so.
  return reply
    .code(r.status)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(errorBody(request, r)));
}

export function installErrorHandlers(app: FastifyInstance, now: () => number = Date.now): void {
  const unavailable = onceASecondPerCode(now);
  app.setErrorHandler((err, request, reply) => {
    const r = resolveError(err);
    // Only the unexplained 500 is a bug worth an error-level line with its stack; a 503 is a
    // dependency outage the breaker already knows about.
    if (r.status === 500) request.log.error({ err, code: r.code }, 'request failed');
    else if (r.status > 500) {
      const alike = unavailable(r.code);
      if (alike !== undefined) request.log.warn({ err, code: r.code, alike }, 'request failed');
    } else request.log.info({ code: r.code, status: r.status, message: r.message }, 'request rejected');
    return send(request, reply, r);
  });
  app.setNotFoundHandler((request, reply) =>
    send(request, reply, {
      status: 404,
      code: 'ROUTE.NOT_FOUND',
      message: `No route for ${request.method} ${request.url.split('?')[0]}`,
    }),
  );
}

/**
 * Whether to log a 5xx-but-not-500 of this code now: the first of each code in a second is, with
 * `alike` saying how many of the same code it stands for (itself and those left out since the last
 * line); the rest are not (undefined). An outage or an overload answers thousands a second, and a
 * line each — its error serialised with its stack — cost more than the answer and flooded the log.
 */
function onceASecondPerCode(now: () => number): (code: string) => number | undefined {
  const byCode = new Map<string, { loggedAt: number; left: number }>();
  return (code) => {
    const t = now();
    const last = byCode.get(code);
    if (last && t - last.loggedAt < 1000) {
      last.left++;
      return undefined;
    }
    byCode.set(code, { loggedAt: t, left: 0 });
    return 1 + (last?.left ?? 0);
  };
}
