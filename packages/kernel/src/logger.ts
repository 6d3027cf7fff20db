/** JSON logs with the service name on every line, so logs from many services can be merged. */
import { type LevelWithSilent, type Logger, type LoggerOptions, pino } from 'pino';
import { stdoutDestination } from './log-destination.ts';

export type { Logger };

export function createLogger(name: string, level: LevelWithSilent | (string & {}) = 'info'): Logger {
  return loggerFrom({ level, base: { service: name } });
}

/** A pino logger on the process's non-blocking stdout sink (see log-destination.ts). */
export function loggerFrom(options: LoggerOptions): Logger {
  return pino({ timestamp: pino.stdTimeFunctions.isoTime, ...options }, stdoutDestination());
}
