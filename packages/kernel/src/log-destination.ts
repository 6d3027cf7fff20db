/**
 * Where a process's JSON log lines go: its stdout, written so that logging can never stop the
 * process. pino's default sink writes synchronously and, on a full pipe (a supervisor that
 * stopped reading, or died while another process still holds the pipe's other end), retries
 * EAGAIN forever in Atomics.wait — the main thread then never runs again, not even the
 * shutdown timer. Here a line goes through process.stdout (libuv queues what the pipe cannot take
 * at once), lines beyond a bounded backlog are dropped and counted, and a broken pipe (EPIPE)
 * silences the sink instead of crashing the process.
 */
import type { DestinationStream } from 'pino';

/** Past this many bytes waiting for the reader, lines are dropped: memory stays bounded. */
const MAX_BACKLOG_BYTES = 4 * 1024 * 1024;

export interface LogDestination extends DestinationStream {
  /** Lines not written (backlog full or stream broken). */
  readonly dropped: () => number;
}

let shared: LogDestination | undefined;

/** One per process: every logger shares it, so the backlog bound is the process's. */
export function stdoutDestination(): LogDestination {
  shared ??= nonBlockingDestination(process.stdout);
  return shared;
}

export function nonBlockingDestination(
  stream: NodeJS.WritableStream & { writableLength?: number },
): LogDestination {
  let broken = false;
  let dropped = 0;
  // EPIPE and friends arrive as 'error'; without a listener they would be an uncaught exception.
  stream.on('error', () => {
    broken = true;
  });
  return {
    write(line: string) {
      if (broken || (stream.writableLength ?? 0) > MAX_BACKLOG_BYTES) {
        dropped++;
        return;
      }
      stream.write(line);
    },
    dropped: () => dropped,
  };
}

/** stderr gets the same guard: a stray console.error on a broken pipe must not crash a shutdown. */
export function guardStderr(): void {
  if (process.stderr.listenerCount('error') === 0) process.stderr.on('error', () => {});
}
