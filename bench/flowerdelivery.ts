// npm run bench:flowerdelivery — place orders against the order service at rising concurrency:
// orders/s, p50/p99 latency, errors, and the time from the last order to MyPage converged.
// The system runs as real processes on its own data folder. Last line: one JSON object.
//   --seconds S         per concurrency step (default 5)
//   --concurrency a,b   steps (default 10,20,30,40,50,100)
import { system as full, portOf } from '../systems/flowerdelivery/system.ts';
import { runOrderLoad } from './order-load.ts';

const only = process.env.BENCH_ONLY?.split(',');
const system = only ? { ...full, services: full.services.filter((s) => only.includes(s.name)) } : full;

await runOrderLoad({
  bench: 'flowerdelivery',
  system,
  dataDirPrefix: 'bounded-bench-fd-',
  authPort: 8090,
  orderUrl: `http://127.0.0.1:${portOf('order')}/orders`,
  gatewayUrl: `http://127.0.0.1:${system.basePort}`,
  orderBody: {
    storeName: 'KJSHOP',
    itemName: '장미 한바구니',
    qty: 1,
    itemPrice: 50000,
    userName: 'customer1',
  },
  // Converged: MyPage holds a row for every order placed, each showing it paid.
  readModel: {
    name: 'MyPage',
    listUrl: `http://127.0.0.1:${portOf('mypage')}/myPages`,
    convergedField: 'myPageConvergedMs',
  },
});
