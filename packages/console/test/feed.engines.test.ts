/**
 * The console's feed on the distributed engines: it reads a topic through the EventBus port as
 * a consumer group of its own, so it sees every event while a service's group still gets all of
 * them (the console never takes partitions from it), on NATS JetStream and on Kafka alike.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { EventBus } from '@bounded/bus';
import { openBus } from '@bounded/kernel';
import { SystemFeed } from '../src/index.ts';

const engines = [
  { name: 'NATS JetStream', url: process.env.ENGINE_NATS_URL ?? 'nats://127.0.0.1:54222' },
  { name: 'Kafka', url: process.env.ENGINE_KAFKA_URL ?? 'kafka://127.0.0.1:59092' },
];

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const engine of engines) {
  describe(`the console's feed on ${engine.name}`, { timeout: 180_000 }, () => {
    it('sees every event as a group of its own, and the service group still gets them all', async () => {
      const topic = `console-feed-${randomUUID().slice(0, 8)}`;
      const dataDir = mkdtempSync(join(tmpdir(), 'bounded-console-engines-'));
      const buses: EventBus[] = [];
      const open = async (clientId: string) => {
        const bus = await openBus(engine.url, { dataDir, clientId });
        buses.push(bus);
        return bus;
      };
      try {
        const service = await open('service');
        const handled = new Set<string>();
        const subscription = await service.subscribe({
          topic,
          group: 'order',
          handler: async (event) => {
            handled.add(event.id);
          },
        });
        const feed = new SystemFeed({
          system: { name: topic, basePort: 0, services: [{ name: 'order' }] },
          bus: await open('console'),
          topic,
          instances: () => [],
        });
        await feed.start();
        const stop = feed.subscribe(() => {}); // a page watches: the feed reads
        const publisher = await open('publisher');
        const ids: string[] = [];
        for (let batch = 0; batch < 5; batch++) {
          const messages = Array.from({ length: 20 }, (_, i) => ({
            id: randomUUID(),
            topic,
            key: String((batch * 20 + i) % 7),
            type: i % 2 ? 'Paid' : 'Ordered',
            timestamp: Date.now(),
            source: 'order',
            data: { n: batch * 20 + i },
          }));
          ids.push(...messages.map((m) => m.id));
          await publisher.publish(messages);
        }
        await until('the console to see all 100', () => feed.events.length >= 100);
        await until('the service group to handle all 100', () => handled.size >= 100);
        assert.deepEqual(new Set(feed.events.map((e) => e.id)), new Set(ids));
        assert.deepEqual(handled, new Set(ids));
        // One key's events in the order they were published, as the port promises.
        const keyThree = feed.events.filter((e) => e.key === '3').map((e) => e.data.n);
        assert.deepEqual(
          keyThree,
          [...keyThree].sort((a, b) => Number(a) - Number(b)),
        );
        stop();
        await subscription.close();
        await feed.close();
      } finally {
        for (const bus of buses) await bus.close();
      }
    });
  });
}
