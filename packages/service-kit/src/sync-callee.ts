/**
 * One sync dependency of a service, configured the same way everywhere: `<NAME>_URL` (the runner
 * sets it; an override in its environment wins), `<NAME>_TIMEOUT_MS` (default 1 s),
 * `<NAME>_BREAKER_FAILURES` (consecutive failures that open the breaker, default 3),
 * `<NAME>_HALF_OPEN_MS` (how long the open breaker sheds load before one probe, default 3 s), and
 * its bulkhead: `<NAME>_MAX_CONCURRENT` calls at once (default 64) and `<NAME>_MAX_QUEUE` calls
 * waiting for one of them (default 0); past both a call is refused at once (DEPENDENCY.BUSY).
 */
import {
  DEFAULT_MAX_CONCURRENT,
  DEFAULT_MAX_QUEUE,
  type HttpClient,
  type HttpClientOptions,
} from '@bounded/http-client';
import type { ServiceContext } from '@bounded/kernel';
import { type TInteger, type TObject, type TString, Type } from '@sinclair/typebox';

type Prefix<N extends string> = Uppercase<N>;
export type CalleeSettings<N extends string> = {
  [K in `${Prefix<N>}_URL`]: TString;
} & {
  [K in
    | `${Prefix<N>}_TIMEOUT_MS`
    | `${Prefix<N>}_BREAKER_FAILURES`
    | `${Prefix<N>}_HALF_OPEN_MS`
    | `${Prefix<N>}_MAX_CONCURRENT`
    | `${Prefix<N>}_MAX_QUEUE`]: TInteger;
};

const prefixOf = (name: string) => name.replace(/[^a-zA-Z0-9]/g, '_').toUpperCase();

/** The config schema of a callee named `name`, listening at `url` unless told otherwise. */
export function calleeConfig<const N extends string>(name: N, url: string): TObject<CalleeSettings<N>> {
  const p = prefixOf(name);
  return Type.Object({
    [`${p}_URL`]: Type.String({ default: url }),
    [`${p}_TIMEOUT_MS`]: Type.Integer({ minimum: 1, default: 1000 }),
    [`${p}_BREAKER_FAILURES`]: Type.Integer({ minimum: 1, default: 3 }),
    [`${p}_HALF_OPEN_MS`]: Type.Integer({ minimum: 1, default: 3000 }),
    [`${p}_MAX_CONCURRENT`]: Type.Integer({ minimum: 1, default: DEFAULT_MAX_CONCURRENT }),
    [`${p}_MAX_QUEUE`]: Type.Integer({ minimum: 0, default: DEFAULT_MAX_QUEUE }),
  }) as unknown as TObject<CalleeSettings<N>>;
}

/** The http client of the callee, from the settings `calleeConfig(name)` declared. */
export function calleeClient(
  ctx: Pick<ServiceContext<unknown, object>, 'httpClient' | 'config'>,
  name: string,
  options: Partial<HttpClientOptions> = {},
): HttpClient {
  const p = prefixOf(name);
  const config = ctx.config as Record<string, unknown>;
  return ctx.httpClient({
    name,
    baseUrl: config[`${p}_URL`] as string,
    timeoutMs: config[`${p}_TIMEOUT_MS`] as number,
    breaker: {
      consecutiveFailures: config[`${p}_BREAKER_FAILURES`] as number,
      halfOpenAfterMs: config[`${p}_HALF_OPEN_MS`] as number,
    },
    bulkhead: {
      maxConcurrent: config[`${p}_MAX_CONCURRENT`] as number,
      maxQueue: config[`${p}_MAX_QUEUE`] as number,
    },
    ...options,
  });
}
