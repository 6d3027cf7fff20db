import type { LogSink } from './instance.ts';

const COLORS = [36, 32, 33, 35, 34, 96, 92, 93, 95, 94];
const LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
/** Fastify's two lines per request drown everything else under load. */
const PER_REQUEST = new Set(['incoming request', 'request completed']);

/** Foreground logs: one color and prefix per process, pino JSON shown as `level msg`. */
export function foregroundPrinter(
  options: { showRequests?: boolean; write?: (line: string) => void } = {},
): LogSink {
  const write = options.write ?? writeStdout;
  const colorOf = new Map<string, number>();
  return (id, replica, line) => {
    if (!colorOf.has(id)) colorOf.set(id, COLORS[colorOf.size % COLORS.length]);
    let text = line;
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
      if (!options.showRequests && entry.msg && PER_REQUEST.has(entry.msg)) return;
      const level = LEVELS[entry.level ?? 30] ?? 'info';
      text = `${level.padEnd(5)} ${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}`;
    } catch {
      // not JSON: print as it came
    }
    write(`\x1b[${colorOf.get(id)}m[${id}#${replica}]\x1b[0m ${text}`);
  };
}

/** A closed terminal or a dead npm (EPIPE, EIO) must not crash the runner: it still stops its processes. */
function writeStdout(line: string): void {
  if (process.stdout.listenerCount('error') === 0) process.stdout.on('error', () => {});
  process.stdout.write(`${line}\n`);
}
