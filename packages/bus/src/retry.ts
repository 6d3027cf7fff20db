import { setTimeout as sleep } from 'node:timers/promises';

const FIRST_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 5000;

export interface RetryOptions {
  /** Checked before each try and after each pause: true ends the retries (the member is stopping). */
  readonly stopped: () => boolean;
  /** Told of each failure, with the attempt number (0 for the first). */
  readonly onError?: (error: unknown, attempt: number) => void;
  /** How to wait between tries (default: a plain timer); an engine may cut it short when it stops. */
  readonly pause?: (ms: number) => Promise<void>;
}

/**
 * Runs `handle` until it succeeds, waiting 50 ms after the first failure, doubling up to 5 s:
 * an engine never skips an event its handler failed on (parking is the consumer's job).
 * Resolves true once handled, false if the engine stopped first.
 */
export async function retryUntilHandled(
  handle: () => Promise<void>,
  options: RetryOptions,
): Promise<boolean> {
  const pause = options.pause ?? ((ms: number) => sleep(ms));
  for (let attempt = 0; !options.stopped(); attempt++) {
    try {
      await handle();
      return true;
    } catch (error) {
      options.onError?.(error, attempt);
      if (options.stopped()) return false;
      await pause(Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** attempt));
    }
  }
  return false;
}
