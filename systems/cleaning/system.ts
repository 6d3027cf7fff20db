/**
 * The cleaning system's map ("cleanmall"): its services in the spec's table order (ports 8301…,
 * the gateway at 8300), the gateway's routes by path prefix with who may call them, and the one
 * sync call, cleancall → cleanmanage. Actors: the customer (requests, cancels, reads their
 * history and notifications), the manager (operations: registers cleaners, sees every request)
 * and the cleaner (sees and completes their own assignments).
 */
import { join } from 'node:path';
import type { SystemMap } from '@bounded/runner';

export const TOPIC = 'cleaning';

const here = import.meta.dirname;
const entry = (service: string) => join(here, service, 'src', 'main.ts');

export const system: SystemMap = {
  name: TOPIC,
  basePort: 8300,
  services: [
    {
      name: 'cleancall',
      entry: entry('cleancall'),
      calls: ['cleanmanage'],
      routes: [{ prefix: '/cleancalls', roles: { GET: ['customer', 'manager'], '*': ['customer'] } }],
    },
    {
      name: 'cleanmanage',
      entry: entry('cleanmanage'),
      // Registered only by cleancall's sync call (direct, on loopback); the manager reads them.
      routes: [{ prefix: '/cleanmanages', roles: { GET: ['manager'], '*': [] } }],
    },
    {
      name: 'cleanassign',
      entry: entry('cleanassign'),
      // The development set's two cleaners (cleaner1, cleaner2) are registered at start.
      env: { DEV_CLEANERS: '1' },
      routes: [
        { prefix: '/cleaners', roles: { GET: ['manager', 'cleaner'], '*': ['manager'] } },
        { prefix: '/cleanassigns', roles: { GET: ['manager', 'cleaner'], '*': ['cleaner'] } },
      ],
    },
    {
      name: 'customer',
      entry: entry('customer'),
      routes: [
        { prefix: '/notifications', roles: { GET: ['customer'], '*': [] } },
        { prefix: '/cleaningHistories', roles: { GET: ['customer'], '*': [] } },
      ],
    },
  ],
};

/** Default port of a service's first instance. */
export function portOf(name: string): number {
  const index = system.services.findIndex((s) => s.name === name);
  if (index < 0) throw new Error(`cleaning has no service ${name}`);
  return system.basePort + 1 + index;
}
