// npm run chaos -- --system <name> [--seconds 30] [--kill-every 3] [--clients 4] [--replicas 1] [--seed N]
//   [--bus embedded|nats] [--broker-restart-every S] [--base-port P] [--settle 60] [--keep-data] [--logs]
// Runs one system under the runner while its clients send commands and random service instances
// are killed with SIGKILL; then waits for quiet and checks the system's invariants
// (systems/<name>/chaos.ts). Notes go to stderr; the last line is one JSON object. Exits 1 when
// anything was lost, doubled, parked, left half-done or never converged.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { SystemMap } from '@bounded/runner';
import { type ChaosScenario, runChaos } from '@bounded/runner/chaos';

const systemsDir = join(import.meta.dirname, '..', 'systems');
const USAGE = readFileSync(import.meta.filename, 'utf8')
  .split('\n')
  .slice(0, 2)
  .join('\n')
  .replaceAll('// ', '');
const { values } = (() => {
  try {
    return parse();
  } catch (error) {
    console.error(`${(error as Error).message}\nusage: ${USAGE}`);
    process.exit(2);
  }
})();
function parse() {
  return parseArgs({
    options: {
      system: { type: 'string' },
      seconds: { type: 'string', default: '30' },
      'kill-every': { type: 'string', default: '3' },
      clients: { type: 'string', default: '4' },
      replicas: { type: 'string', default: '1' },
      bus: { type: 'string', default: 'embedded' },
      'broker-restart-every': { type: 'string', default: '0' },
      seed: { type: 'string' },
      'base-port': { type: 'string' },
      settle: { type: 'string', default: '60' },
      'keep-data': { type: 'boolean', default: false },
      logs: { type: 'boolean', default: false },
    },
  });
}
const covered = readdirSync(systemsDir).filter((name) => existsSync(join(systemsDir, name, 'chaos.ts')));
if (!values.system || !covered.includes(values.system)) {
  console.error(`--system must be one of: ${covered.join(', ')}`);
  process.exit(2);
}
const number = (name: keyof typeof values) => {
  const value = Number(values[name]);
  if (!Number.isFinite(value) || value < 0) {
    console.error(`--${name} must be a number ≥ 0 (got ${values[name]})`);
    process.exit(2);
  }
  return value;
};
const load = async <T>(file: string, name: string): Promise<T> => {
  const module = (await import(pathToFileURL(join(systemsDir, values.system!, file)).href)) as Record<
    string,
    T
  >;
  if (!module[name]) throw new Error(`systems/${values.system}/${file} exports no \`${name}\``);
  return module[name];
};
if (values.bus !== 'embedded' && values.bus !== 'nats') {
  console.error(`--bus must be embedded or nats (got ${values.bus})`);
  process.exit(2);
}
const system = await load<SystemMap>('system.ts', 'system');
const scenario = await load<ChaosScenario>('chaos.ts', 'chaos');
const note = (line: string) => process.stderr.write(`[chaos] ${line}\n`);

const run = await runChaos({
  system,
  scenario,
  seconds: number('seconds'),
  killEvery: number('kill-every'),
  clients: number('clients') || 1,
  replicas: number('replicas') || 1,
  bus: values.bus === 'nats' ? 'nats' : 'embedded',
  brokerRestartEvery: number('broker-restart-every'),
  seed: values.seed === undefined ? undefined : number('seed'),
  // Away from the default ports (a developer's `npm start`), the tests' blocks (29100…) and the
  // ephemeral range (32768…) that free ports for auth and control are taken from.
  basePort: values['base-port'] === undefined ? system.basePort + 16_000 : number('base-port'),
  settleSeconds: number('settle'),
  keepData: values['keep-data'],
  sink: values.logs ? (id, line) => process.stderr.write(`${id} ${line}\n`) : undefined,
  note,
});
const { result } = run;
for (const violation of result.violations) note(violation);
if (values['keep-data']) note(`data kept in ${run.dataDir}`);
console.log(JSON.stringify(result));
const clean =
  result.lost === 0 &&
  result.doubled === 0 &&
  result.viewsConverged &&
  result.parked === 0 &&
  result.sagasHalfDone === 0 &&
  result.convergeMs !== null;
process.exit(clean ? 0 : 1);
