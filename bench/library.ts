// npm run bench:library — reservations (each paid synchronously through payment) against the
// rental service at rising concurrency, direct and through the gateway: reservations/s, p50/p99
// latency, errors, and the time from the last reservation to mypage converged. Over many books
// in turn (BENCH_BOOKS); between steps, untimed, every reservation is cancelled or rented and
// returned, so the books are free again (a book reserved again while held — a step longer than
// the catalogue — is rejected and refunded by events: still a 201).
// The system runs as real processes on its own data folder. Last line: one JSON object.
//   --seconds S         per concurrency step (default 5)
//   --concurrency a,b   steps (default 10,20,30,40,50,100)
//   --replicas s=n,…    replicas of services for the run (default: one of each)
//   BENCH_BOOKS         books registered before the load (default 5000)
import type autocannon from 'autocannon';
import { system as full } from '../systems/library/system.ts';
import { runOrderLoad } from './order-load.ts';

const only = process.env.BENCH_ONLY?.split(',');
// BENCH_BASE_PORT / AUTH_PORT move the system off its default ports (8400 block, auth 8090).
const basePort = Number(process.env.BENCH_BASE_PORT ?? full.basePort);
const system = {
  ...full,
  basePort,
  services: only ? full.services.filter((s) => only.includes(s.name)) : full.services,
};
const portOf = (name: string) => basePort + 1 + full.services.findIndex((s) => s.name === name);
const BOOKS = Number(process.env.BENCH_BOOKS ?? 5000);

const books: number[] = [];
let turn = 0;
/** The books in turn: each comes back after BOOKS reservations, long after it was freed. */
const nextBook = () => books[turn++ % books.length]!;

/** Registers the catalogue as staff would (direct calls to the book service, 20 at a time). */
async function registerBooks(): Promise<void> {
  const url = `http://127.0.0.1:${portOf('book')}/books`;
  for (let i = 0; i < BOOKS; i += 20) {
    const ids = await Promise.all(
      Array.from({ length: Math.min(20, BOOKS - i) }, async (_, j) => {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ title: `bench book ${i + j}` }),
        });
        if (res.status !== 201) throw new Error(`registering a book: ${res.status} ${await res.text()}`);
        return ((await res.json()) as { id: number }).id;
      }),
    );
    books.push(...ids);
  }
}

const reserve: autocannon.Request = {
  method: 'POST',
  path: '/rentals',
  setupRequest: (request) => ({
    ...request,
    body: JSON.stringify({ memberId: 'customer1', bookId: nextBook() }),
  }),
};

const rentalUrl = (path: string) => `http://127.0.0.1:${portOf('rental')}${path}`;
const idsOf = async (reqState: string): Promise<number[]> => {
  const page = (await (await fetch(rentalUrl(`/rentals?reqState=${reqState}&size=1000`))).json()) as {
    _embedded: { rentals: Array<{ id: number }> };
  };
  return page._embedded.rentals.map((r) => r.id);
};
async function request(id: number, reqState: string): Promise<void> {
  const res = await fetch(rentalUrl(`/rentals/${id}`), {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ reqState }),
  });
  // 409: rejected meanwhile (its book went to someone else), nothing to free.
  if (res.status !== 200 && res.status !== 409) throw new Error(`${reqState} ${id}: ${res.status}`);
}

/**
 * Between steps, untimed: every rental still reserved is cancelled (every other one) or rented,
 * every rented one returned — read from the rental service, as autocannon drops the answers
 * of requests in flight when a step ends — 20 calls at a time; then it waits until the book
 * service holds no book, payment refunded every cancel and mypage shows it all.
 */
async function freeBooks(): Promise<void> {
  for (let round = 0; ; round++) {
    const reserved = await idsOf('reserve');
    const rented = await idsOf('rental');
    if (reserved.length + rented.length === 0) break;
    const calls = [
      ...reserved.map((id, i) => [id, (i + round) % 2 === 0 ? 'cancel' : 'rental'] as const),
      ...rented.map((id) => [id, 'return'] as const),
    ];
    for (let i = 0; i < calls.length; i += 20) {
      await Promise.all(calls.slice(i, i + 20).map(([id, reqState]) => request(id, reqState)));
    }
  }
  const books = `http://127.0.0.1:${portOf('book')}/books?size=1&bookStatus=`;
  const count = async (status: string) =>
    ((await (await fetch(books + status)).json()) as { page: { totalElements: number } }).page.totalElements;
  // …and until payment refunded and mypage saw it all, so no step measures the last one's tail.
  const views = `http://127.0.0.1:${portOf('mypage')}/mypages?size=1&`;
  const rows = async (filter: string) =>
    ((await (await fetch(views + filter)).json()) as { page: { totalElements: number } }).page.totalElements;
  const settled = async () =>
    (await count('reserved')) + (await count('rentaled')) === 0 &&
    (await rows('reqState=reserve')) + (await rows('reqState=rental')) === 0 &&
    (await rows('reqState=cancel&payStatus=Paid')) + (await rows('reqState=rejected&payStatus=Paid')) === 0;
  const deadline = Date.now() + 60_000;
  while (!(await settled())) {
    if (Date.now() > deadline) throw new Error('books still held a minute after the step');
    await new Promise((r) => setTimeout(r, 50));
  }
}

await runOrderLoad({
  bench: 'library',
  system,
  dataDirPrefix: 'bounded-bench-library-',
  authPort: Number(process.env.AUTH_PORT ?? 8090),
  orderUrl: `http://127.0.0.1:${portOf('rental')}/rentals`,
  gatewayUrl: `http://127.0.0.1:${basePort}`,
  orderPath: '/rentals',
  orderBody: { memberId: 'customer1', bookId: 1 },
  prepare: registerBooks,
  requests: () => [reserve],
  betweenSteps: freeBooks,
  // Converged: mypage holds a row for every reservation made.
  readModel: {
    name: 'mypages',
    listUrl: `http://127.0.0.1:${portOf('mypage')}/mypages`,
    convergedField: 'mypageConvergedMs',
  },
});
