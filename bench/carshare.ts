// npm run bench:carshare — rentals (each paid synchronously through payment) against the order
// service at rising concurrency, direct and through the gateway: rentals/s, p50/p99 latency,
// errors, and the time from the last rental to customerpage converged (the order benches'
// shape, bench/order-load.ts). Then the cancel saga: rentals made beforehand (untimed) are
// cancelled through the gateway with a customer token — each cancel reclaims the coupon (sync
// coupon) and cancels the payment (sync payment) before the delivery is cancelled — giving
// cancels/s, p50/p99, and the time until every order shows cancelled.
// The system runs as real processes on its own data folder. Last line: one JSON object (the
// order-load result with a `cancelSaga` field).
//   --seconds S         per concurrency step (default 5)
//   --concurrency a,b   steps (default 10,20,30,40,50,100)
//   --replicas s=n,…    replicas of services for the rental steps (default: one of each)
//   BENCH_CANCELS       rentals cancelled in the saga phase (default 1500; 0 skips the phase)
//   BENCH_CANCEL_CONNECTIONS  concurrent cancels (default 20)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { launch, platformProcesses } from '@bounded/runner';
import autocannon from 'autocannon';
import { system as full } from '../systems/carshare/system.ts';
import { runOrderLoad } from './order-load.ts';

const only = process.env.BENCH_ONLY?.split(',');
// BENCH_BASE_PORT / AUTH_PORT move the system off its default ports (8100 block, auth 8090).
const basePort = Number(process.env.BENCH_BASE_PORT ?? full.basePort);
const authPort = Number(process.env.AUTH_PORT ?? 8090);
const system = {
  ...full,
  basePort,
  services: only ? full.services.filter((s) => only.includes(s.name)) : full.services,
};
const url = (name: string, path: string) =>
  `http://127.0.0.1:${basePort + 1 + full.services.findIndex((s) => s.name === name)}${path}`;
const gateway = `http://127.0.0.1:${basePort}`;
const CANCELS = Number(process.env.BENCH_CANCELS ?? 1500);
const CANCEL_CONNECTIONS = Number(process.env.BENCH_CANCEL_CONNECTIONS ?? 20);

// The harness prints its result as its last line; it is kept here and printed with the saga's figures.
let rentals: Record<string, unknown> | undefined;
const print = console.log;
console.log = (...args: unknown[]) => {
  const [line] = args;
  if (typeof line === 'string' && line.startsWith('{"bench":"carshare"')) rentals = JSON.parse(line);
  else print(...args);
};
try {
  await runOrderLoad({
    bench: 'carshare',
    system,
    dataDirPrefix: 'bounded-bench-carshare-',
    authPort,
    orderUrl: url('order', '/orders'),
    gatewayUrl: gateway,
    // The seed's body (httpie strings); the gateway's token names the customer.
    orderBody: { productId: '1001', qty: '1', customerId: 'customer1' },
    // Converged: customerpage holds a row for every rental placed.
    readModel: {
      name: 'customerpages',
      listUrl: url('customerpage', '/customerpages'),
      convergedField: 'customerpageConvergedMs',
    },
  });
} finally {
  console.log = print;
}
const cancelSaga = CANCELS > 0 ? await benchCancels() : null;
console.log(JSON.stringify({ ...rentals, cancelSaga }));

/** The cancel saga under load, on a fresh copy of the system. */
async function benchCancels() {
  const dataDir = mkdtempSync(join(tmpdir(), 'bounded-bench-carshare-cancel-'));
  const launched = await launch({
    systems: [system],
    platform: platformProcesses({ authPort }),
    dataDir,
    controlPort: 0,
    logLevel: 'warn',
    sink: (id, replica, line, stream) =>
      stream === 'stderr' && process.stderr.write(`[${id}#${replica}] ${line}\n`),
  });
  try {
    console.error(`cancel saga: renting ${CANCELS} cars first (untimed)…`);
    const ids: number[] = [];
    await autocannon({
      url: url('order', '/orders'),
      method: 'POST',
      connections: 20,
      amount: CANCELS,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ productId: 1001, qty: 1, customerId: 'customer1' }),
      requests: [
        {
          onResponse: (status, body) => {
            if (status === 201) ids.push((JSON.parse(body) as { id: number }).id);
          },
        },
      ],
    });
    // Every rental shipped and its coupon offered, so each cancel runs the whole saga.
    await until(async () => (await total(url('coupon', '/coupons?status=offered'))) >= ids.length, 60_000);

    const token = await customerToken();
    let next = 0;
    const answers: Record<string, number> = {};
    console.error(`cancel saga: ${ids.length} cancels, ${CANCEL_CONNECTIONS} connections…`);
    const cpuBefore = cpuOf(launched.supervisor.status());
    const started = performance.now();
    const result = await autocannon({
      url: `${gateway}/cancellations`,
      method: 'POST',
      connections: CANCEL_CONNECTIONS,
      amount: ids.length,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      requests: [
        {
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({ orderId: ids[next++ % ids.length] }),
          }),
          // What the refused ones were (503 SAGA.IN_DOUBT when a step timed out under the load …).
          onResponse: (status, body) => {
            const code = status === 201 ? '201' : `${status} ${(JSON.parse(body) as { code?: string }).code}`;
            answers[code] = (answers[code] ?? 0) + 1;
          },
        },
      ],
    });
    const seconds = (performance.now() - started) / 1000;
    const loadEnded = performance.now();
    const cancelled = result['2xx'];
    const cpuAfter = cpuOf(launched.supervisor.status());
    await until(async () => (await total(url('order', '/orders?status=cancelled'))) >= cancelled, 60_000);
    const ordersCancelledMs = Math.round(performance.now() - loadEnded);
    // CPU each process spent per cancel (ms), during the cancels (the events that follow included as far as they ran).
    const cpuPerCancelMs = Object.fromEntries(
      [...cpuAfter].map(([name, ms]) => [name, Number(((ms - cpuBefore.get(name)!) / cancelled).toFixed(2))]),
    );
    const figures = {
      connections: CANCEL_CONNECTIONS,
      cancelsPerSecond: Math.round(cancelled / seconds),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      cancelled,
      non2xx: result.non2xx,
      answers,
      errors: result.errors + result.timeouts,
      ordersCancelledMs,
      cpuPerCancelMs,
      reclaims: await total(url('coupon', '/couponCancellations')),
      refunds: await total(url('payment', '/paymentCancellations')),
    };
    console.error(
      `  ${figures.cancelsPerSecond} cancels/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms`,
    );
    return figures;
  } finally {
    await launched.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** CPU ms used so far by each process of the system, by service name (as bench/order-load.ts). */
function cpuOf(instances: ReadonlyArray<{ id: string; pid: number | null }>): Map<string, number> {
  const cpu = new Map<string, number>();
  for (const i of instances) {
    const fields = readFileSync(`/proc/${i.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const name = i.id.split('/')[1]!;
    cpu.set(name, (cpu.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) * 10);
  }
  return cpu;
}

async function total(list: string): Promise<number> {
  const page = (await (await fetch(`${list}${list.includes('?') ? '&' : '?'}size=1`)).json()) as {
    page: { totalElements: number };
  };
  return page.page.totalElements;
}

async function until(check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error('bench: the system did not catch up in time');
    await sleep(20);
  }
}

async function customerToken(): Promise<string> {
  const response = await fetch(`${gateway}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from('bounded-web:dev-secret').toString('base64')}` },
    body: new URLSearchParams({
      grant_type: 'password',
      username: 'customer1',
      password: 'customer1',
      audience: 'carshare',
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}
