// npm run bench:malltail — place orders (each paid synchronously through pay) against the order
// service at rising concurrency, direct and through the gateway: orders/s, p50/p99 latency, errors,
// and the time from the last order to statusViews converged.
// The system runs as real processes on its own data folder. Last line: one JSON object.
//   --seconds S         per concurrency step (default 5)
//   --concurrency a,b   steps (default 10,20,30,40,50,100)
import { system as full } from '../systems/malltail/system.ts';
import { runOrderLoad } from './order-load.ts';

const only = process.env.BENCH_ONLY?.split(',');
// BENCH_BASE_PORT / AUTH_PORT move the system off its default ports (8500 block, auth 8090).
const basePort = Number(process.env.BENCH_BASE_PORT ?? full.basePort);
const system = {
  ...full,
  basePort,
  services: only ? full.services.filter((s) => only.includes(s.name)) : full.services,
};
const portOf = (name: string) => basePort + 1 + full.services.findIndex((s) => s.name === name);

await runOrderLoad({
  bench: 'malltail',
  system,
  dataDirPrefix: 'bounded-bench-malltail-',
  authPort: Number(process.env.AUTH_PORT ?? 8090),
  orderUrl: `http://127.0.0.1:${portOf('order')}/orders`,
  gatewayUrl: `http://127.0.0.1:${basePort}`,
  orderBody: { itemNo: 1001, qty: 1, customerId: 'customer1', customerAddress: 'Seoul' },
  // Converged: statusViews holds a row for every order placed.
  readModel: {
    name: 'statusViews',
    listUrl: `http://127.0.0.1:${portOf('viewpage')}/statusViews`,
    convergedField: 'statusViewsConvergedMs',
  },
});
