/** The feed's figures from events and what the services say: lag per partition, badges, rates, replicas. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BatchHandler, DeliveredEvent, EventBus, SubscribeOptions } from '@bounded/bus';
import { type InstanceInfo, type ServiceDescription, SystemFeed } from '../src/index.ts';

/** A bus that hands the test the console's batch handler. */
function fakeBus() {
  const subscribed: SubscribeOptions[] = [];
  let closed = 0;
  const bus: EventBus = {
    engine: 'fake',
    async publish() {},
    async subscribe(options) {
      subscribed.push(options);
      return {
        assigned: () => [0, 1],
        close: async () => {
          closed++;
        },
      };
    },
    async close() {},
  };
  return { bus, subscribed, closed: () => closed };
}

const instance = (service: string, replica: number, ready = true): InstanceInfo => ({
  id: `shop/${service}`,
  replica,
  pid: 100 + replica,
  port: 9100 + replica,
  url: `http://127.0.0.1:${9100 + replica}`,
  state: ready ? 'ready' : 'stopped',
  ready,
  restarts: replica - 1,
});

const description = (over: Partial<ServiceDescription>): ServiceDescription => ({
  service: 'payment',
  topic: 'shop',
  group: 'payment',
  handles: ['Ordered'],
  publishes: [],
  routes: [],
  calls: [],
  positions: {},
  outboxBacklog: 0,
  parked: 0,
  ...over,
});

let offset = 0;
const delivered = (type: string, partition: number, key = 'k'): DeliveredEvent => ({
  id: `e${++offset}`,
  topic: 'shop',
  key,
  type,
  timestamp: Date.now(),
  data: {},
  source: 'order',
  partition,
  offset,
});

describe('the feed', () => {
  it('reads only while watched, as its own group, and sums what the replicas say', async () => {
    const { bus, subscribed } = fakeBus();
    const answers = new Map<string, unknown>([
      [
        'http://127.0.0.1:9101/admin/describe',
        description({
          positions: { 0: 2 },
          outboxBacklog: 3,
          parked: 1,
          calls: [{ dependency: 'bank', breaker: 'closed' }],
          reactions: { Ordered: ['Paid'] },
        }),
      ],
      [
        'http://127.0.0.1:9102/admin/describe',
        description({
          positions: { 1: 4 },
          outboxBacklog: 1,
          parked: 1,
          calls: [{ dependency: 'bank', breaker: 'open' }],
        }),
      ],
    ]);
    const feed = new SystemFeed({
      system: { name: 'shop', basePort: 9100, services: [{ name: 'payment' }] },
      bus,
      instances: () => [instance('payment', 1), instance('payment', 2)],
      fetchJson: async (url) => {
        if (!answers.has(url)) throw new Error(`unexpected ${url}`);
        return answers.get(url);
      },
    });
    await feed.start();
    assert.equal(subscribed.length, 0, 'nobody watches: no reading');
    const stop = feed.subscribe(() => {});
    await feed.read();
    assert.equal(subscribed.length, 1);
    assert.equal(subscribed[0].group, 'bounded-console');
    assert.equal(subscribed[0].types, undefined, 'every type');
    const take = subscribed[0].batchHandler as BatchHandler;
    // Partition 0: the group handled up to offset 2; partition 1: up to 4.
    offset = 0;
    await take([
      delivered('Ordered', 0), // 1
      delivered('Ordered', 0), // 2
      delivered('Ordered', 1), // 3
      delivered('Ordered', 1), // 4
      delivered('Ordered', 0), // 5: behind on p0
      delivered('Shipped', 0), // 6: not its type
      delivered('Ordered', 1), // 7: behind on p1
      delivered('Ordered', 1), // 8: behind on p1
    ]);
    await feed.poll();
    const state = feed.state();
    const payment = state.services[0];
    assert.equal(payment.instances, 2);
    assert.equal(payment.ready, 2);
    assert.equal(payment.restarts, 1);
    assert.equal(payment.outboxBacklog, 3, 'replicas share a database: the largest, not the sum');
    assert.equal(payment.parked, 1);
    assert.equal(payment.lag, 3);
    assert.deepEqual(payment.lagByPartition, { 0: 1, 1: 2 });
    assert.deepEqual(payment.breakers, { bank: 'open' }, 'a replica whose breaker is open shows it');
    assert.ok((state.rates.Ordered ?? 0) > 0);
    assert.deepEqual(feed.topology.reactions, { 'payment Ordered': ['Paid'] });
    assert.equal(feed.eventsOf('k').length, 8);
    stop();
    await feed.close();
  });

  it('keeps the last positions of a stopped service, so its lag keeps growing', async () => {
    const { bus, subscribed } = fakeBus();
    let up = true;
    const feed = new SystemFeed({
      system: { name: 'shop', basePort: 9100, services: [{ name: 'payment' }] },
      bus,
      instances: () => [instance('payment', 1, up)],
      fetchJson: async () => description({ positions: { 0: 1 } }),
    });
    await feed.start();
    const stop = feed.subscribe(() => {});
    await feed.read();
    offset = 0;
    await subscribed[0].batchHandler!([delivered('Ordered', 0)]);
    await feed.poll();
    assert.equal(feed.state().services[0].lag, 0);
    up = false;
    await feed.poll();
    await subscribed[0].batchHandler!([delivered('Ordered', 0), delivered('Ordered', 0)]);
    const down = feed.state().services[0];
    assert.equal(down.ready, 0);
    assert.equal(down.lag, 2);
    assert.equal(down.outboxBacklog, null, 'unknown while it is down');
    stop();
    await feed.close();
  });
});
