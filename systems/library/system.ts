/**
 * The library system's map: its services in the spec's table order (ports 8401…, the gateway at
 * 8400), the gateway's routes by path prefix with who may call them, and the one sync call,
 * rental → payment. Actors: the member (role customer: reserves, rents, returns, cancels, reads
 * their own rentals and mypage) and the library staff (role staff: keeps the catalogue, sees
 * every rental, payment and mypage row).
 */
import { join } from 'node:path';
import type { SystemMap } from '@bounded/runner';

export const TOPIC = 'library';

const here = import.meta.dirname;
const entry = (service: string) => join(here, service, 'src', 'main.ts');

export const system: SystemMap = {
  name: TOPIC,
  basePort: 8400,
  services: [
    {
      name: 'rental',
      entry: entry('rental'),
      calls: ['payment'],
      routes: [{ prefix: '/rentals', roles: { GET: ['customer', 'staff'], '*': ['customer'] } }],
    },
    {
      name: 'payment',
      entry: entry('payment'),
      // Payments are made by the rental service's sync call, never through the gateway; a member
      // sees the payment status in mypage, staff read them here.
      routes: [{ prefix: '/payments', roles: { GET: ['staff'], '*': [] } }],
    },
    {
      name: 'mypage',
      entry: entry('mypage'),
      routes: [{ prefix: '/mypages', roles: { GET: ['customer', 'staff'] } }],
    },
    {
      name: 'book',
      entry: entry('book'),
      // The development set of books (ids 1–5, so the seed's bookId=2 exists), as the runner's
      // auth service loads the development users; a deployment leaves it off (the default).
      env: { BOOK_DEV_BOOKS: '1' },
      routes: [{ prefix: '/books', roles: { GET: ['customer', 'staff'], '*': ['staff'] } }],
    },
  ],
};

/** Default port of a service's first instance. */
export function portOf(name: string): number {
  const index = system.services.findIndex((s) => s.name === name);
  if (index < 0) throw new Error(`library has no service ${name}`);
  return system.basePort + 1 + index;
}
