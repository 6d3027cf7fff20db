// npm start [-- <system> …] — runs the systems (all by default) and the auth service as
// separate processes on their default ports, until Ctrl-C. See README "Running the systems".
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  foregroundPrinter,
  launch,
  platformProcesses,
  type SystemMap,
  stopWithStarter,
} from '@bounded/runner';

const root = join(import.meta.dirname, '..');
const systemsDir = join(root, 'systems');
const available = existsSync(systemsDir)
  ? readdirSync(systemsDir).filter((name) => existsSync(join(systemsDir, name, 'system.ts')))
  : [];
const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = asked.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(
    `Unknown system(s): ${unknown.join(', ')}. Available: ${available.join(', ') || 'none yet'}.`,
  );
  process.exit(2);
}
const chosen = asked.length > 0 ? asked : available;
if (chosen.length === 0) {
  console.error('No system has landed yet: only the runtime (packages/) is here. `npm test` runs its tests.');
  process.exit(1);
}
const systems: SystemMap[] = [];
for (const name of chosen) {
  const module = (await import(pathToFileURL(join(systemsDir, name, 'system.ts')).href)) as {
    system?: SystemMap;
  };
  if (!module.system) throw new Error(`systems/${name}/system.ts exports no \`system\` map`);
  systems.push(module.system);
}

const env = process.env;
const authPort = Number(env.AUTH_PORT ?? 8090);
const controlPort = Number(env.BOUNDED_CONTROL_PORT ?? 8000);
const started = Date.now();
// The console's URL first: it answers as soon as the control endpoint listens, while the rest starts.
console.log(`console  http://127.0.0.1:${controlPort}/`);
// Installed before launching: a starter that goes away while the processes come up is noticed too.
const launching = launch({
  systems,
  dataDir: env.DATA_DIR ?? join(root, 'data'),
  controlPort,
  console: env.BOUNDED_CONSOLE !== '0',
  logLevel: env.LOG_LEVEL,
  sink: foregroundPrinter({ showRequests: env.LOG_REQUESTS === '1' }),
  progress: (ready, total) => process.stderr.write(`\rstarting: ${ready}/${total} processes ready`),
  platform: platformProcesses({ authPort, devUsers: env.AUTH_DEV_USERS !== '0' }),
});
// Stops with whoever started it (npm, a terminal, a process manager), not only on its own signals.
stopWithStarter(async () => (await launching).stop(), {
  onStopping: (why) => process.stderr.write(`\nstopping every process (${why})…\n`),
});
const launched = await launching;
process.stderr.write(
  `\rall ${launched.supervisor.status().length} processes ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n\n`,
);
for (const gateway of launched.gateways) console.log(`gateway  ${gateway.system.padEnd(16)} ${gateway.url}`);
for (const instance of launched.supervisor.status()) {
  if (!instance.id.endsWith('/gateway'))
    console.log(`         ${instance.id.padEnd(32)} ${instance.url}  pid ${instance.pid}`);
}
console.log(
  `\ncontrol  ${launched.controlUrl}   (npx bounded status | stop | start | scale | restart | logs)`,
);
console.log(
  `console  ${launched.controlUrl}/   (system maps, live events, saga timelines, operations, actors)`,
);
