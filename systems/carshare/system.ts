/**
 * The carshare system's map: its services in the spec's table order (ports 8101…, the gateway at
 * 8100), the gateway's routes by path prefix (the seed's spring.cloud.gateway.routes) with who
 * may call them, and the sync calls: order → payment (a rental is paid or does not exist), and
 * the cancel saga's delivery → coupon and delivery → payment. Actors: the customer (rents,
 * cancels, reads their own rentals) and the car-share company's operator (role operator: sees
 * every order, delivery, payment and coupon).
 */
import { join } from 'node:path';
import type { SystemMap } from '@bounded/runner';

export const TOPIC = 'carshare';

const here = import.meta.dirname;
const entry = (service: string) => join(here, service, 'src', 'main.ts');
const READERS = ['customer', 'operator'];

export const system: SystemMap = {
  name: TOPIC,
  basePort: 8100,
  services: [
    {
      name: 'order',
      entry: entry('order'),
      calls: ['payment'],
      routes: [{ prefix: '/orders', roles: { GET: READERS, '*': ['customer'] } }],
    },
    {
      name: 'delivery',
      entry: entry('delivery'),
      calls: ['coupon', 'payment'],
      routes: [
        // Deliveries are made by the Paid policy, never by a client; customers read their own.
        { prefix: '/deliveries', roles: { GET: READERS, '*': [] } },
        { prefix: '/cancellations', roles: { GET: READERS, '*': ['customer', 'operator'] } },
      ],
    },
    {
      name: 'customerpage',
      entry: entry('customerpage'),
      routes: [{ prefix: '/customerpages', roles: { GET: READERS, '*': [] } }],
    },
    {
      name: 'payment',
      entry: entry('payment'),
      // Payments and their cancellations are made by the order's and delivery's sync calls
      // (direct, on loopback), never through the gateway; customers and operators read them.
      routes: [
        { prefix: '/payments', roles: { GET: READERS, '*': [] } },
        { prefix: '/paymentCancellations', roles: { GET: READERS, '*': [] } },
      ],
    },
    {
      name: 'coupon',
      entry: entry('coupon'),
      routes: [
        { prefix: '/coupons', roles: { GET: READERS, '*': [] } },
        { prefix: '/couponCancellations', roles: { GET: READERS, '*': [] } },
      ],
    },
  ],
};

/** Default port of a service's first instance. */
export function portOf(name: string): number {
  const index = system.services.findIndex((s) => s.name === name);
  if (index < 0) throw new Error(`carshare has no service ${name}`);
  return system.basePort + 1 + index;
}
