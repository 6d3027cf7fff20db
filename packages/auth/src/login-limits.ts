/**
 * Failed logins counted per user and per client address over a window: past the limit the token
 * endpoint answers 429 with Retry-After until the window has moved on. Unknown users are counted
 * like known ones, so a 429 tells nothing about who exists. A login that succeeds clears the
 * user's count (not the address's: one address guessing many users stays limited). Memory is
 * bounded: the oldest keys go first once `maxKeys` are held.
 */

export interface LoginLimitOptions {
  /** Failed attempts per username within the window. Default 10. */
  readonly perUser?: number;
  /** Failed attempts per client address within the window. Default 50. */
  readonly perAddress?: number;
  /** Default 5 minutes. */
  readonly windowMs?: number;
  readonly maxKeys?: number;
}

export interface LoginLimits {
  /** Seconds to wait when the user or the address is over its limit, else 0. */
  retryAfter(user: string | undefined, address: string): number;
  failed(user: string | undefined, address: string): void;
  succeeded(user: string): void;
}

export function loginLimits(options: LoginLimitOptions = {}, now: () => number = Date.now): LoginLimits {
  const windowMs = options.windowMs ?? 5 * 60_000;
  const maxKeys = options.maxKeys ?? 10_000;
  const limits = { user: options.perUser ?? 10, address: options.perAddress ?? 50 };
  // key → times of the failures still inside the window, oldest first; Map order = insertion.
  const failures = new Map<string, number[]>();

  const recent = (key: string): number[] => {
    const times = failures.get(key);
    if (!times) return [];
    const since = now() - windowMs;
    while (times.length > 0 && times[0]! <= since) times.shift();
    if (times.length === 0) failures.delete(key);
    return times;
  };
  const waitFor = (key: string, limit: number): number => {
    const times = recent(key);
    if (times.length < limit) return 0;
    return Math.max(1, Math.ceil((times[times.length - limit]! + windowMs - now()) / 1000));
  };
  const keysOf = (user: string | undefined, address: string) => [
    ...(user ? [[`user:${user}`, limits.user] as const] : []),
    [`address:${address}`, limits.address] as const,
  ];

  return {
    retryAfter: (user, address) => Math.max(0, ...keysOf(user, address).map(([k, l]) => waitFor(k, l))),
    failed(user, address) {
      for (const [key] of keysOf(user, address)) {
        const times = recent(key);
        times.push(now());
        failures.delete(key);
        failures.set(key, times);
      }
      while (failures.size > maxKeys) failures.delete(failures.keys().next().value as string);
    },
    succeeded: (user) => {
      failures.delete(`user:${user}`);
    },
  };
}
