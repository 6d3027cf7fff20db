/**
 * Errors a sync call can end with. Both carry a numeric `status` and a string `code`, which is all the
 * service kernel's error handler looks at (duck-typed), so this package does not depend on the kernel.
 */

export type DependencyUnavailableCode =
  | 'DEPENDENCY.UNAVAILABLE' // connection refused/reset, or the callee answered 5xx
  | 'DEPENDENCY.CIRCUIT_OPEN' // the breaker is open (or half-open with its one probe in flight)
  | 'DEPENDENCY.TIMEOUT' // no complete answer within timeoutMs; the request was aborted
  | 'DEPENDENCY.BUSY'; // the bulkhead is full: too many calls in flight to this dependency

/** The dependency could not give an answer: surfaces as 503 + Retry-After. */
export class DependencyUnavailableError extends Error {
  override readonly name = 'DependencyUnavailableError';
  readonly status = 503;
  readonly code: DependencyUnavailableCode;
  /** The client's name, i.e. the service that is unavailable. */
  readonly dependency: string;
  readonly retryAfterSeconds: number;
  /** The callee's status when it answered 5xx. */
  readonly calleeStatus?: number;

  constructor(args: {
    dependency: string;
    code: DependencyUnavailableCode;
    reason: string;
    retryAfterSeconds: number;
    calleeStatus?: number;
    cause?: unknown;
  }) {
    super(`${args.dependency} is unavailable: ${args.reason}; retry in ${args.retryAfterSeconds}s`, {
      cause: args.cause,
    });
    this.code = args.code;
    this.dependency = args.dependency;
    this.retryAfterSeconds = args.retryAfterSeconds;
    if (args.calleeStatus !== undefined) this.calleeStatus = args.calleeStatus;
  }
}

/** The dependency answered 4xx: its decision, passed on with its status and code. */
export class DependencyRejectedError extends Error {
  override readonly name = 'DependencyRejectedError';
  readonly status: number;
  readonly code: string;
  readonly dependency: string;
  /** The callee's response body (parsed JSON when it was JSON). */
  readonly body: unknown;
  /** The callee's field errors (400), when its body listed them. */
  readonly fields?: Array<{ field: string; message: string }>;

  constructor(dependency: string, status: number, body: unknown) {
    const b = isRecord(body) ? body : {};
    super(
      typeof b.message === 'string' && b.message !== ''
        ? b.message
        : `${dependency} rejected the request with status ${status}`,
    );
    this.status = status;
    this.code = typeof b.code === 'string' && b.code !== '' ? b.code : 'DEPENDENCY.REJECTED';
    this.dependency = dependency;
    this.body = body;
    if (Array.isArray(b.fields)) this.fields = b.fields as Array<{ field: string; message: string }>;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
