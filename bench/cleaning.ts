// npm run bench:cleaning — cleaning requests (each registered synchronously with cleanmanage)
// against the cleancall service at rising concurrency, direct and through the gateway:
// requests/s, p50/p99 latency, errors, and the time from the last request to the customer's
// cleaningHistories converged. Over a pool of many cleaners, each request is cancelled on its
// connection right after it was accepted, so cleaners free up again (a request that finds
// nobody free ends NoCleanerAvailable: still a 201, and its cancel a 409).
// The system runs as real processes on its own data folder. Last line: one JSON object.
//   --seconds S         per concurrency step (default 5)
//   --concurrency a,b   steps (default 10,20,30,40,50,100)
//   --replicas s=n,…    replicas of services for the run (e.g. cleanassign=3)
//   BENCH_CLEANERS      cleaners registered before the load (default 200)
//   BENCH_CANCEL=0      post requests only, no cancels: the pool runs out and the rest end
//                       NoCleanerAvailable (give it many cleaners to keep assigning longer)
import type autocannon from 'autocannon';
import { system as full } from '../systems/cleaning/system.ts';
import { runOrderLoad } from './order-load.ts';

const only = process.env.BENCH_ONLY?.split(',');
// BENCH_BASE_PORT / AUTH_PORT move the system off its default ports (8300 block, auth 8090).
const basePort = Number(process.env.BENCH_BASE_PORT ?? full.basePort);
const system = {
  ...full,
  basePort,
  services: only ? full.services.filter((s) => only.includes(s.name)) : full.services,
};
const portOf = (name: string) => basePort + 1 + full.services.findIndex((s) => s.name === name);
const CLEANERS = Number(process.env.BENCH_CLEANERS ?? 200);
const CANCEL = process.env.BENCH_CANCEL !== '0';
const BODY = { tel: '01023221353', location: 'seoul', cost: 200000 };

/** Registers the pool as the manager would (direct calls to cleanassign, 20 at a time). */
async function registerCleaners(): Promise<void> {
  const url = `http://127.0.0.1:${portOf('cleanassign')}/cleaners`;
  for (let i = 0; i < CLEANERS; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, CLEANERS - i) }, async (_, j) => {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            name: `bench cleaner ${i + j}`,
            tel: `010${String(i + j).padStart(8, '0')}`,
          }),
        });
        if (res.status !== 201) throw new Error(`registering a cleaner: ${res.status} ${await res.text()}`);
      }),
    );
  }
}

type Context = { id?: number };
const request: autocannon.Request = {
  method: 'POST',
  path: '/cleancalls',
  body: JSON.stringify(BODY),
  onResponse: (status, body, context) => {
    (context as Context).id = status === 201 ? (JSON.parse(body) as { id: number }).id : undefined;
  },
};
/** The customer cancels the request just accepted (none when it was refused: start over). */
const cancel: autocannon.Request = {
  method: 'DELETE',
  setupRequest: (req, context) => {
    const { id } = context as Context;
    if (id === undefined) return undefined as unknown as autocannon.Request;
    // No body, so no content type (an empty JSON body is a 400), as `http delete` sends it.
    const { 'content-type': _json, ...headers } = (req.headers ?? {}) as Record<string, string>;
    return { ...req, headers, path: `/cleancalls/${id}`, body: undefined };
  },
};

await runOrderLoad({
  bench: 'cleaning',
  system,
  dataDirPrefix: 'bounded-bench-cleaning-',
  authPort: Number(process.env.AUTH_PORT ?? 8090),
  orderUrl: `http://127.0.0.1:${portOf('cleancall')}/cleancalls`,
  gatewayUrl: `http://127.0.0.1:${basePort}`,
  orderPath: '/cleancalls',
  orderBody: BODY,
  prepare: registerCleaners,
  ...(CANCEL ? { requests: () => [request, cancel] } : {}),
  // Converged: the customer's history holds a row for every request accepted.
  readModel: {
    name: 'cleaningHistories',
    listUrl: `http://127.0.0.1:${portOf('customer')}/cleaningHistories`,
    convergedField: 'historyConvergedMs',
  },
});
