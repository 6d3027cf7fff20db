/**
 * The flowerdelivery system's map: its services in the spec's table order (ports 8201…, the
 * gateway at 8200), the gateway's routes by path prefix with who may call them (the seed's
 * spring.cloud.gateway.routes), and the one sync call, order → payment.
 */
import { join } from 'node:path';
import type { SystemMap } from '@bounded/runner';

export const TOPIC = 'flowerdelivery';

const here = import.meta.dirname;
const entry = (service: string) => join(here, service, 'src', 'main.ts');

export const system: SystemMap = {
  name: TOPIC,
  basePort: 8200,
  services: [
    {
      name: 'order',
      entry: entry('order'),
      calls: ['payment'],
      routes: [{ prefix: '/orders', roles: { '*': ['customer'] } }],
    },
    {
      name: 'payment',
      entry: entry('payment'),
      // Payments are made by the order service's sync call, never through the gateway; a customer
      // sees the payment status on the order. Only an operator (admin) reads them here.
      routes: [{ prefix: '/payments', roles: { '*': [] } }],
    },
    {
      name: 'ordermanagement',
      entry: entry('ordermanagement'),
      routes: [
        { prefix: '/ordermanagements', roles: { GET: ['store'], '*': ['store'] } },
        { prefix: '/orderStatuses', roles: { GET: ['store'] } },
      ],
    },
    {
      name: 'delivery',
      entry: entry('delivery'),
      routes: [
        { prefix: '/deliveries', roles: { GET: ['rider', 'store'], '*': ['rider'] } },
        { prefix: '/deliverystatuses', roles: { GET: ['rider', 'store'] } },
      ],
    },
    {
      name: 'mypage',
      entry: entry('mypage'),
      routes: [{ prefix: '/myPages', roles: { GET: ['customer'] } }],
    },
  ],
};

/** Default port of a service's first instance. */
export function portOf(name: string): number {
  const index = system.services.findIndex((s) => s.name === name);
  if (index < 0) throw new Error(`flowerdelivery has no service ${name}`);
  return system.basePort + 1 + index;
}
