import { Writable } from 'node:stream';
import { pino } from 'pino';
import { type App, type BuildAppOptions, buildApp } from '../src/index.ts';

/** An app whose JSON log lines are collected in memory instead of printed. */
export function testApp(opts: Partial<BuildAppOptions> = {}): {
  app: App;
  logs: Array<Record<string, unknown>>;
} {
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  const app = buildApp({ name: 'test', logger: pino({ level: 'info' }, sink), ...opts });
  return { app, logs };
}
