// npm run bench:startup — time from `npm start` to every instance ready, and the memory (RSS)
// of every process at idle. Runs on a fresh data folder. Last line: one JSON object.
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
    .map((i) => ({ id: i.id, rssMB: rssOf(i.pid!) }))
    .sort((a, b) => b.rssMB - a.rssMB);
  const total = rss.reduce((sum, p) => sum + p.rssMB, 0);
  console.log(
    JSON.stringify({
      bench: 'startup',
      processes: rss.length,
      allReadySeconds: Number(readySeconds.toFixed(2)),
      totalRssMB: Math.round(total),
      maxRssMB: rss[0]?.rssMB,
      meanRssMB: Math.round(total / rss.length),
      perProcess: rss,
      targets: { allReadySeconds: 10, rssPerServiceMB: 80 },
    }),
  );
} finally {
  runner.kill('SIGINT');
  await exited;
  rmSync(dataDir, { recursive: true, force: true });
}

function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(line?.split(/\s+/)[1] ?? 0) / 1024);
}
