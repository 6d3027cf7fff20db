// npm run bench:malltail — place orders (each paid synchronously through pay) against the order
// service at rising concurrency, direct and through the gateway: orders/s, p50/p99 latency, errors,
// and the time from the last order to statusViews converged.
// The system runs as real processes on its own data folder. Last line: one JSON object.
//   --seconds S         per concurrency step (default 5)
//   --concurrency a,b   steps (default 10,50,100)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { launch, platformProcesses } from '@bounded/runner';
import autocannon from 'autocannon';
import { system as full } from '../systems/malltail/system.ts';

// BENCH_BASE_PORT / AUTH_PORT move the system off its default ports (8500 block, auth 8090).
const only = process.env.BENCH_ONLY?.split(',');
const basePort = Number(process.env.BENCH_BASE_PORT ?? full.basePort);
const system = {
  ...full,
  basePort,
  services: only ? full.services.filter((s) => only.includes(s.name)) : full.services,
};
const portOf = (name: string) => basePort + 1 + full.services.findIndex((s) => s.name === name);

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '10,50,100' },
  },
});
const dataDir = mkdtempSync(join(tmpdir(), 'bounded-bench-malltail-'));
const order = `http://127.0.0.1:${portOf('order')}`;
const viewpage = `http://127.0.0.1:${portOf('viewpage')}`;
const gateway = `http://127.0.0.1:${system.basePort}`;

async function customerToken(): Promise<string> {
  const response = await fetch(`${gateway}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from('bounded-web:dev-secret').toString('base64')}` },
    body: new URLSearchParams({
      grant_type: 'password',
      username: 'customer1',
      password: 'customer1',
      audience: 'malltail',
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

const AUTH_PORT = Number(process.env.AUTH_PORT ?? 8090);
const launched = await launch({
  systems: [system],
  platform: platformProcesses({ authPort: AUTH_PORT }),
  dataDir,
  controlPort: 0,
  logLevel: 'warn',
  sink: (id, replica, line, stream) =>
    stream === 'stderr' && process.stderr.write(`[${id}#${replica}] ${line}\n`),
});

const cpuTicks = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
};
const cpuBefore = new Map(launched.supervisor.status().map((i) => [i.id, cpuTicks(i.pid!)]));

try {
  const token = await customerToken();
  const routes = [
    { via: 'order service (direct)', url: `${order}/orders`, headers: {} as Record<string, string> },
    { via: 'gateway + JWT', url: `${gateway}/orders`, headers: { authorization: `Bearer ${token}` } },
  ];
  const steps = [];
  let placed = 0;
  for (const route of routes) {
    for (const connections of args.concurrency!.split(',').map(Number)) {
      console.error(`${route.via}: ${connections} connections for ${args.seconds} s…`);
      const result = await autocannon({
        url: route.url,
        method: 'POST',
        connections,
        duration: Number(args.seconds),
        headers: { 'content-type': 'application/json', ...route.headers },
        body: JSON.stringify({ itemNo: 1001, qty: 1, customerId: 'customer1', customerAddress: 'Seoul' }),
      });
      placed += result['2xx'];
      console.error(
        `  ${Math.round(result.requests.average)} orders/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`,
      );
      steps.push({
        via: route.via,
        connections,
        // Orders actually created per second; requests the breaker shed (503) are counted apart.
        ordersPerSecond: Math.round(result['2xx'] / Number(args.seconds)),
        requestsPerSecond: Math.round(result.requests.average),
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        created: result['2xx'],
        non2xx: result.non2xx,
        errors: result.errors + result.timeouts,
      });
    }
  }
  const loadEnded = performance.now();
  // Converged: statusViews holds a row for every order placed.
  for (;;) {
    const page = (await (await fetch(`${viewpage}/statusViews?size=1`)).json()) as {
      page: { totalElements: number };
    };
    if (page.page.totalElements >= placed) break;
    if (performance.now() - loadEnded > 60_000)
      throw new Error(`statusViews has ${page.page.totalElements} of ${placed} orders`);
    await sleep(20);
  }
  const convergedMs = Math.round(performance.now() - loadEnded);
  // CPU each process spent per order (ms): where the machine's two cores went.
  const cpuPerOrderMs = Object.fromEntries(
    launched.supervisor
      .status()
      .map((i) => [
        i.id.split('/')[1],
        Number((((cpuTicks(i.pid!) - cpuBefore.get(i.id)!) * 10) / placed).toFixed(2)),
      ]),
  );
  const best = steps.reduce((a, b) => (b.ordersPerSecond > a.ordersPerSecond ? b : a));
  console.log(
    JSON.stringify({
      bench: 'malltail',
      steps,
      best: {
        via: best.via,
        connections: best.connections,
        ordersPerSecond: best.ordersPerSecond,
        p99Ms: best.p99Ms,
      },
      ordersPlaced: placed,
      statusViewsConvergedMs: convergedMs,
      cpuPerOrderMs,
      targets: { ordersPerSecond: 800, p99Ms: 100, statusViewsConvergedMs: 1000 },
    }),
  );
} finally {
  await launched.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
