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

/** Rentals reserved since the last step, freed before the next. */
let held: number[] = [];
const reserve: autocannon.Request = {
  method: 'POST',
  path: '/rentals',
  setupRequest: (request) => ({
    ...request,
    body: JSON.stringify({ memberId: 'customer1', bookId: nextBook() }),
  }),
  onResponse: (status, body) => {
    if (status === 201) held.push((JSON.parse(body) as { id: number }).id);
  },
};

/**
 * Between steps, untimed: every other rental of the step is cancelled, the others rented and
 * returned (direct calls, 20 at a time); then it waits until the book service holds no book.
 */
async function freeBooks(): Promise<void> {
  const rentals = held;
  held = [];
  const url = (id: number) => `http://127.0.0.1:${portOf('rental')}/rentals/${id}`;
  const request = async (id: number, reqState: string) => {
    const res = await fetch(url(id), {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reqState }),
    });
    // 409: the book went to someone else first and the rental is rejected already.
    if (res.status !== 200 && res.status !== 409) throw new Error(`${reqState} ${id}: ${res.status}`);
    return res.status === 200;
  };
  for (let i = 0; i < rentals.length; i += 20) {
    await Promise.all(
      rentals.slice(i, i + 20).map(async (id, j) => {
        if ((i + j) % 2 === 0) await request(id, 'cancel');
        else if (await request(id, 'rental')) await request(id, 'return');
      }),
    );
  }
  const books = `http://127.0.0.1:${portOf('book')}/books?size=1&bookStatus=`;
  const count = async (status: string) =>
    ((await (await fetch(books + status)).json()) as { page: { totalElements: number } }).page.totalElements;
  const deadline = Date.now() + 60_000;
  while ((await count('reserved')) + (await count('rentaled')) > 0) {
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
