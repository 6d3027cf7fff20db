/**
 * The malltail system's map: its services in the spec's table order (ports 8501…, the gateway
 * at 8500), the gateway's routes by path prefix with who may call them, and the one sync call,
 * order → pay. Actors: the customer, the shop owner (role shop: accepts or rejects a paid order,
 * and reports the parcel's arrival at the forwarding warehouse, which malltail runs) and the
 * customs officer (role customs: clears or rejects the parcel, then completes domestic delivery).
 */
import { join } from 'node:path';
import type { SystemMap } from '@bounded/runner';

export const TOPIC = 'malltail';

const here = import.meta.dirname;
const entry = (service: string) => join(here, service, 'src', 'main.ts');

export const system: SystemMap = {
  name: TOPIC,
  basePort: 8500,
  services: [
    {
      name: 'order',
      entry: entry('order'),
      calls: ['pay'],
      routes: [{ prefix: '/orders', roles: { '*': ['customer'] } }],
    },
    {
      name: 'pay',
      entry: entry('pay'),
      // Payments are made by the order service's sync call, never through the gateway; a
      // customer sees the payment status in statusViews. Only an operator (admin) reads them here.
      routes: [{ prefix: '/payments', roles: { '*': [] } }],
    },
    {
      name: 'shop',
      entry: entry('shop'),
      routes: [{ prefix: '/shopManagements', roles: { '*': ['shop'] } }],
    },
    {
      name: 'shipping',
      entry: entry('shipping'),
      routes: [{ prefix: '/shippings', roles: { GET: ['shop', 'customs'], '*': ['shop'] } }],
    },
    {
      name: 'delivery',
      entry: entry('delivery'),
      routes: [{ prefix: '/deliveries', roles: { '*': ['customs'] } }],
    },
    {
      name: 'viewpage',
      entry: entry('viewpage'),
      routes: [{ prefix: '/statusViews', roles: { GET: ['customer'] } }],
    },
  ],
};

/** Default port of a service's first instance. */
export function portOf(name: string): number {
  const index = system.services.findIndex((s) => s.name === name);
  if (index < 0) throw new Error(`malltail has no service ${name}`);
  return system.basePort + 1 + index;
}
