/**
 * Errors a handler throws on purpose. Each carries the HTTP status and a stable code
 * (`ORDER.NOT_FOUND`) so clients branch on the code, never on the message text.
 */

export interface FieldError {
  field: string;
  message: string;
}

export interface AppErrorOptions {
  fields?: FieldError[];
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  readonly code: string;
  readonly fields?: FieldError[];
  readonly retryAfterSeconds?: number;

  constructor(status: number, code: string, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.code = code;
    // Only set when given, so `'fields' in err` and JSON output stay clean.
    if (options.fields !== undefined) this.fields = options.fields;
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export class BadRequestError extends AppError {
  override name = 'BadRequestError';
  constructor(code: string, message: string, fields?: FieldError[]) {
    super(400, code, message, { fields });
  }
}

export class UnauthorizedError extends AppError {
  override name = 'UnauthorizedError';
  constructor(code: string, message: string) {
    super(401, code, message);
  }
}

export class ForbiddenError extends AppError {
  override name = 'ForbiddenError';
  constructor(code: string, message: string) {
    super(403, code, message);
  }
}

export class NotFoundError extends AppError {
  override name = 'NotFoundError';
  constructor(code: string, message: string) {
    super(404, code, message);
  }
}

/** An illegal state change (cancel a delivered order) or a uniqueness clash. */
export class ConflictError extends AppError {
  override name = 'ConflictError';
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

/** A dependency is down or its breaker is open: the client should retry later, not give up. */
export class UnavailableError extends AppError {
  override name = 'UnavailableError';
  constructor(code: string, message: string, retryAfterSeconds?: number) {
    super(503, code, message, { retryAfterSeconds });
  }
}

/**
 * The shape the error handler accepts from packages that must not depend on the kernel
 * (http-client): anything with a numeric status (or Fastify-style statusCode) and a string code.
 */
export interface HttpErrorLike {
  status: number;
  code: string;
  message: string;
  fields?: FieldError[];
  retryAfterSeconds?: number;
}

/** Reads an error by duck typing; undefined means "not a deliberate HTTP error" (→ 500). */
export function asHttpErrorLike(err: unknown): HttpErrorLike | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as Record<string, unknown>;
  const status = typeof e.status === 'number' ? e.status : e.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599)
    return undefined;
  if (typeof e.code !== 'string' || e.code === '') return undefined;
  const out: HttpErrorLike = {
    status,
    code: e.code,
    message: typeof e.message === 'string' ? e.message : '',
  };
  if (isFieldErrors(e.fields)) out.fields = e.fields;
  if (
    typeof e.retryAfterSeconds === 'number' &&
    Number.isFinite(e.retryAfterSeconds) &&
    e.retryAfterSeconds >= 0
  ) {
    out.retryAfterSeconds = e.retryAfterSeconds;
  }
  return out;
}

function isFieldErrors(v: unknown): v is FieldError[] {
  return (
    Array.isArray(v) &&
    v.every(
      (f) =>
        typeof f === 'object' &&
        f !== null &&
        typeof (f as FieldError).field === 'string' &&
        typeof (f as FieldError).message === 'string',
    )
  );
}
