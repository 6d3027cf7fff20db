/** JSON logs with the service name on every line, so logs from many services can be merged. */
import { type LevelWithSilent, type Logger, pino } from 'pino';

export type { Logger };

export function createLogger(name: string, level: LevelWithSilent | (string & {}) = 'info'): Logger {
  return pino({ level, base: { service: name }, timestamp: pino.stdTimeFunctions.isoTime });
}
