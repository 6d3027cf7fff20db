import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleType,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
} from 'cockatiel';
import type { Pool } from 'undici';
import { DependencyRejectedError, DependencyUnavailableError } from './errors.ts';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
export type BreakerState = 'closed' | 'open' | 'half-open';
export type ResponseHeaders = Record<string, string | string[] | undefined>;

export interface HttpClientOptions {
  /** The dependency's name (e.g. 'payment'): used in errors, so name the callee, not the caller. */
  name: string;
  /** Origin plus an optional path prefix, e.g. 'http://127.0.0.1:8082' or 'http://gateway/api'. */
  baseUrl: string;
  /** Whole-call budget; on expiry the undici request is aborted. Default 2000. */
  timeoutMs?: number;
  breaker?: {
    /** Consecutive failures (connection error, timeout, 5xx) that open the breaker. Default 5. */
    consecutiveFailures?: number;
    /** Time the breaker stays open before it lets one probe through. Default 5000. */
    halfOpenAfterMs?: number;
  };
  bulkhead?: {
    /** Calls in flight at once; also the size of the connection pool. Default DEFAULT_MAX_CONCURRENT. */
    maxConcurrent?: number;
    /** Calls that may wait for a slot (their wait is not part of timeoutMs). Default DEFAULT_MAX_QUEUE. */
    maxQueue?: number;
  };
  /** Retry-After for failures other than an open breaker. Default 1. */
  retryAfterSeconds?: number;
}

export interface HttpRequest {
  method: HttpMethod;
  /** Path (and query) relative to baseUrl, starting with '/'. */
  path: string;
  /** Sent as JSON when defined. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as `Idempotency-Key`; a fresh UUID when omitted. Pass the same key when retrying a call. */
  idempotencyKey?: string;
  /** W3C trace context of the caller, sent as `traceparent`. */
  traceparent?: string;
  /** The caller giving up (e.g. its own client went away). Not counted as a dependency failure. */
  signal?: AbortSignal;
}

export interface HttpResponse<T> {
  status: number;
  headers: ResponseHeaders;
  /** Parsed JSON; the text for other content types; undefined when empty. */
  body: T;
}

export interface HttpClient {
  /**
   * Resolves with 2xx/3xx answers. Rejects with DependencyRejectedError for 4xx (the callee's answer),
   * DependencyUnavailableError (503) when no answer could be had, or the caller's abort reason.
   */
  request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>>;
  readonly breakerState: BreakerState;
  /**
   * The refusal a call made now would meet without reaching the dependency — its bulkhead full,
   * its breaker open (or half-open with its probe out) — else undefined. A caller asks it before
   * work of its own that the call's refusal would undo (rows written, then compensated), so that
   * under overload a refusal costs what a refusal should.
   */
  refusalNow(): DependencyUnavailableError | undefined;
  /** Called on every breaker transition; returns a function that unsubscribes. */
  onStateChange(cb: (state: BreakerState) => void): () => void;
  /** Waits for calls in flight, then closes the connections. Later calls throw. */
  close(): Promise<void>;
}

const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

/**
 * A client for one dependency. Policies, outermost first:
 *   bulkhead → breaker → timeout → undici request.
 * The bulkhead is outermost so a rejected call never reaches (or is counted by) the breaker, and the
 * timeout is inside the breaker so timeouts count as failures. The breaker counts only
 * DependencyUnavailableError (connection errors, timeouts, 5xx); a 4xx is a successful exchange.
 */
/** A bulkhead's calls at once, and calls waiting for one, unless told otherwise. */
export const DEFAULT_MAX_CONCURRENT = 64;
export const DEFAULT_MAX_QUEUE = 0;

export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const name = opts.name;
  const timeoutMs = opts.timeoutMs ?? 2000;
  const consecutiveFailures = opts.breaker?.consecutiveFailures ?? 5;
  const halfOpenAfterMs = opts.breaker?.halfOpenAfterMs ?? 5000;
  const maxConcurrent = opts.bulkhead?.maxConcurrent ?? DEFAULT_MAX_CONCURRENT;
  const maxQueue = opts.bulkhead?.maxQueue ?? DEFAULT_MAX_QUEUE;
  const retryAfterSeconds = opts.retryAfterSeconds ?? 1;

  const url = new URL(opts.baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`http client ${name}: baseUrl must be http(s), got ${opts.baseUrl}`);
  }
  const prefix = url.pathname.replace(/\/+$/, '');
  // undici loads on the first call, not at start: it adds ~20 MB of RSS to a process, and most
  // services never make a sync call (measured: 60 MB for node + undici vs 39 MB bare).
  let pool: Pool | undefined;
  let opening: Promise<Pool> | undefined;
  const poolFor = (): Promise<Pool> => {
    opening ??= import('undici').then((undici) => {
      // In a bundle's chunk, CommonJS undici may come as the default export only.
      const Pool = undici.Pool ?? undici.default.Pool;
      pool = new Pool(url.origin, { connections: maxConcurrent });
      return pool;
    });
    return opening;
  };

  const bulkheadPolicy = bulkhead(maxConcurrent, maxQueue);
  const breaker = circuitBreaker(handleType(DependencyUnavailableError), {
    breaker: new ConsecutiveBreaker(consecutiveFailures),
    halfOpenAfter: halfOpenAfterMs,
  });
  // abortOnReturn off: the body is read whole before send returns, so there is nothing left to
  // abort, and aborting creates a DOMException (with its stack) on every call — it showed in profiles.
  const timeoutPolicy = timeout(timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });

  let openedAt = 0;
  breaker.onBreak(() => {
    openedAt = Date.now();
  });
  let closed = false;

  const unavailable = (
    code: DependencyUnavailableError['code'],
    reason: string,
    extra: { cause?: unknown; calleeStatus?: number; retryAfterSeconds?: number } = {},
  ) =>
    new DependencyUnavailableError({
      dependency: name,
      code,
      reason,
      retryAfterSeconds: extra.retryAfterSeconds ?? retryAfterSeconds,
      calleeStatus: extra.calleeStatus,
      cause: extra.cause,
    });

  async function send(req: HttpRequest, signal: AbortSignal): Promise<HttpResponse<unknown>> {
    const headers: Record<string, string> = { accept: 'application/hal+json, application/json' };
    for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
    headers['idempotency-key'] = req.idempotencyKey ?? headers['idempotency-key'] ?? randomUUID();
    if (req.traceparent) headers.traceparent = req.traceparent;
    let payload: string | undefined;
    if (req.body !== undefined) {
      payload = JSON.stringify(req.body);
      headers['content-type'] ??= 'application/json';
    }

    let status: number;
    let resHeaders: ResponseHeaders;
    let text: string;
    try {
      const res = await (pool ?? (await poolFor())).request({
        method: req.method,
        path: prefix + req.path,
        headers,
        body: payload,
        signal,
      });
      status = res.statusCode;
      resHeaders = res.headers;
      text = await res.body.text();
    } catch (err) {
      // Aborted by the timeout policy or by the caller: sorted out by the caller of send.
      if (signal.aborted) throw new TaskCancelledError();
      const code = (err as { code?: unknown }).code;
      throw unavailable(
        'DEPENDENCY.UNAVAILABLE',
        `connection failed (${typeof code === 'string' ? code : String(err)})`,
        {
          cause: err,
        },
      );
    }
    if (status >= 500) {
      throw unavailable('DEPENDENCY.UNAVAILABLE', `answered ${status}`, { calleeStatus: status });
    }
    let body: unknown;
    try {
      body = parseBody(text, resHeaders['content-type']);
    } catch (err) {
      throw unavailable('DEPENDENCY.UNAVAILABLE', `answered ${status} with malformed JSON`, { cause: err });
    }
    return { status, headers: resHeaders, body };
  }

  /** One attempt through breaker and timeout; timeouts become DependencyUnavailableError so they count. */
  function guarded(req: HttpRequest): Promise<HttpResponse<unknown>> {
    // Half-open: cockatiel would queue other callers behind the probe; we fail them fast instead, so
    // exactly one probe reaches the dependency and nobody waits on a dependency we think is down.
    // This check and breaker.execute run in the same tick, so no second call can slip in between.
    if (breaker.state === CircuitState.HalfOpen) {
      throw probeOut();
    }
    // The caller's signal goes down the chain: the timeout policy derives the request's signal from it.
    // A caller abort is not a DependencyUnavailableError, so the breaker ignores it (cockatiel closes a
    // half-open breaker on such an error, so a probe cut short by its caller counts as a success).
    return breaker.execute(
      ({ signal }) =>
        timeoutPolicy
          .execute((_ctx, requestSignal) => send(req, requestSignal), signal)
          .catch((err: unknown) => {
            if (err instanceof TaskCancelledError) {
              if (req.signal?.aborted) throw abortReason(req.signal);
              throw unavailable('DEPENDENCY.TIMEOUT', `no answer within ${timeoutMs}ms`, { cause: err });
            }
            throw err;
          }),
      req.signal ?? NEVER_ABORTED,
    );
  }

  function circuitOpen(cause?: unknown) {
    const remainingMs = openedAt + halfOpenAfterMs - Date.now();
    const seconds = Math.max(1, Math.ceil(remainingMs / 1000));
    return unavailable('DEPENDENCY.CIRCUIT_OPEN', 'circuit open', { retryAfterSeconds: seconds, cause });
  }

  function probeOut() {
    return unavailable('DEPENDENCY.CIRCUIT_OPEN', 'circuit half-open, probe in flight');
  }

  function busy(cause?: unknown) {
    return unavailable(
      'DEPENDENCY.BUSY',
      `too many calls in flight (max ${maxConcurrent}, queue ${maxQueue})`,
      { cause },
    );
  }

  function translate(err: unknown, req: HttpRequest): unknown {
    if (err instanceof BrokenCircuitError) return circuitOpen(err);
    if (err instanceof BulkheadRejectedError) return busy(err);
    if (err instanceof TaskCancelledError && req.signal?.aborted) return abortReason(req.signal);
    return err;
  }

  return {
    async request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
      if (closed) throw new Error(`http client ${name} is closed`);
      let res: HttpResponse<unknown>;
      try {
        res = await bulkheadPolicy.execute(() => guarded(req), req.signal ?? NEVER_ABORTED);
      } catch (err) {
        throw translate(err, req);
      }
      if (res.status >= 400) throw new DependencyRejectedError(name, res.status, res.body);
      return res as HttpResponse<T>;
    },
    get breakerState() {
      return STATE_NAMES[breaker.state];
    },
    refusalNow() {
      if (bulkheadPolicy.executionSlots === 0 && bulkheadPolicy.queueSlots === 0) return busy();
      // Open until its half-open time: past it, the next call is the probe and must be let through.
      if (breaker.state === CircuitState.Open && Date.now() < openedAt + halfOpenAfterMs)
        return circuitOpen();
      if (breaker.state === CircuitState.HalfOpen) {
        return probeOut();
      }
      return undefined;
    },
    onStateChange(cb) {
      const subscription = breaker.onStateChange((s) => cb(STATE_NAMES[s]));
      return () => subscription.dispose();
    },
    async close() {
      if (closed) return;
      closed = true;
      if (opening) await (await opening).close();
    },
  };
}

function parseBody(text: string, contentType: string | string[] | undefined): unknown {
  if (text === '') return undefined;
  const type = (Array.isArray(contentType) ? contentType[0] : contentType) ?? '';
  return /[/+]json\b/i.test(type) ? JSON.parse(text) : text;
}

/**
 * The signal of calls that have none. Each policy adds an abort listener to its caller's signal for
 * the call's duration; left to cockatiel, they all go on its one shared signal, and more than ten
 * calls in flight print a MaxListenersExceededWarning (seen under load). Removed after each call.
 */
const NEVER_ABORTED = new AbortController().signal;
setMaxListeners(0, NEVER_ABORTED);

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}
