import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import type { DeliveredEvent, EventBus, EventMessage } from './port.ts';

/**
 * The contract every EventBus adapter must pass. `open` returns a fresh bus on the same
 * engine each call (as separate processes would have): they must see one another's events
 * and share consumer groups.
 */
export function busContract(
  engine: string,
  open: () => Promise<EventBus>,
  options: { settleMs?: number } = {},
): void {
  const opened: EventBus[] = [];
  const bus = async () => {
    const instance = await open();
    opened.push(instance);
    return instance;
  };
  const settleMs = options.settleMs ?? 1500;

  describe(`EventBus contract: ${engine}`, () => {
    after(async () => {
      await Promise.all(opened.map((instance) => instance.close()));
    });

    it('delivers the MSAEz envelope intact', async () => {
      const topic = uniqueTopic();
      const [producer, consumer] = [await bus(), await bus()];
      const sent = event(topic, 'order-1', 'Ordered', { qty: 2, itemName: '장미' });
      const received = collect(consumer, topic, 'view', 1);
      await producer.publish([sent]);
      const [got] = await received.done;
      assert.equal(got.id, sent.id);
      assert.equal(got.type, 'Ordered');
      assert.equal(got.key, 'order-1');
      assert.equal(got.timestamp, sent.timestamp);
      assert.deepEqual(got.data, sent.data);
      assert.equal(got.source, 'order');
      assert.equal(got.traceparent, sent.traceparent);
      await received.close();
    });

    it('keeps per-key order and gives every group its own copy', async () => {
      const topic = uniqueTopic();
      const producer = await bus();
      const a = collect(await bus(), topic, 'a', 400);
      const b = collect(await bus(), topic, 'b', 400);
      for (let batch = 0; batch < 40; batch++) {
        await producer.publish(range(10).map((k) => event(topic, `key-${k}`, 'Step', { seq: batch })));
      }
      for (const group of [await a.done, await b.done]) {
        assert.equal(group.length, 400);
        assertPerKeyOrder(group);
      }
      await Promise.all([a.close(), b.close()]);
    });

    it('replays what a group missed while it was down, in per-key order', async () => {
      const topic = uniqueTopic();
      const producer = await bus();
      const first = collect(await bus(), topic, 'late', 10);
      await producer.publish(range(10).map((i) => event(topic, `k${i % 5}`, 'Step', { seq: -1 - i })));
      await first.done;
      await first.close();
      for (let batch = 0; batch < 10; batch++) {
        await producer.publish(
          range(100).map((i) => event(topic, `k${i % 5}`, 'Step', { seq: batch * 100 + i })),
        );
      }
      const again = collect(await bus(), topic, 'late', 1000);
      const got = await again.done;
      await sleep(200);
      assert.equal(again.events.length, 1000, 'the missed events, and nothing handled before');
      assert.ok(got.every((e) => (e.data.seq as number) >= 0));
      assertPerKeyOrder(got);
      await again.close();
    });

    it('shares partitions among the members of a group with no event handled twice', async () => {
      const topic = uniqueTopic();
      const producer = await bus();
      const members = [await bus(), await bus(), await bus()];
      const seen = new Map<string, number>();
      const perMember = [0, 0, 0];
      const subscriptions = await Promise.all(
        members.map((member, index) =>
          member.subscribe({
            topic,
            group: 'delivery',
            handler: async (e) => {
              seen.set(e.id, (seen.get(e.id) ?? 0) + 1);
              perMember[index]++;
            },
          }),
        ),
      );
      await waitFor(
        () => subscriptions.every((s) => s.assigned().length > 0),
        settleMs * 4,
        'every member assigned',
      );
      const total = 900;
      for (let batch = 0; batch < 9; batch++) {
        await producer.publish(
          range(100).map((i) => event(topic, `order-${batch * 100 + i}`, 'Decorated', {})),
        );
      }
      await waitFor(() => seen.size === total, 10_000, 'all events handled');
      await sleep(200);
      assert.equal([...seen.values()].filter((n) => n > 1).length, 0, 'no event handled twice');
      assert.ok(
        perMember.every((n) => n > 0),
        `work spread over all members: ${perMember}`,
      );
      await Promise.all(subscriptions.map((s) => s.close()));
    });

    it('rebalances without loss when a member leaves mid-stream', async () => {
      const topic = uniqueTopic();
      const producer = await bus();
      const seen = new Map<string, number>();
      const handler = async (e: DeliveredEvent) => {
        seen.set(e.id, (seen.get(e.id) ?? 0) + 1);
        await sleep(0);
      };
      const one = await (await bus()).subscribe({ topic, group: 'g', handler });
      const two = await (await bus()).subscribe({ topic, group: 'g', handler });
      await waitFor(
        () => one.assigned().length > 0 && two.assigned().length > 0,
        settleMs * 4,
        'both assigned',
      );
      const total = 2000;
      const publishing = (async () => {
        for (let batch = 0; batch < 20; batch++) {
          await producer.publish(range(100).map((i) => event(topic, `o${i}`, 'Step', { seq: batch })));
          await sleep(10);
        }
      })();
      await waitFor(() => seen.size > 200, 10_000, 'some handled');
      await one.close();
      await publishing;
      await waitFor(() => seen.size === total, settleMs * 8, 'every event handled by the remaining member');
      assert.equal(
        [...seen.values()].filter((n) => n > 1).length,
        0,
        'a clean leave hands over without duplicates',
      );
      await two.close();
    });

    it('retries a failing handler on the same event instead of skipping it', async () => {
      const topic = uniqueTopic();
      const producer = await bus();
      let failures = 0;
      const order: number[] = [];
      const sub = await (await bus()).subscribe({
        topic,
        group: 'flaky',
        handler: async (e) => {
          if (e.data.seq === 1 && failures < 3) {
            failures++;
            throw new Error('transient');
          }
          order.push(e.data.seq as number);
        },
      });
      await producer.publish(range(3).map((seq) => event(topic, 'same-key', 'Step', { seq })));
      await waitFor(() => order.length === 3, 10_000, 'all handled');
      assert.equal(failures, 3);
      assert.deepEqual(order, [0, 1, 2]);
      await sub.close();
    });
  });
}

export function event(topic: string, key: string, type: string, data: Record<string, unknown>): EventMessage {
  return {
    id: randomUUID(),
    topic,
    key,
    type,
    timestamp: Date.now(),
    data,
    source: 'order',
    traceparent: `00-${randomUUID().replaceAll('-', '')}-${randomUUID().replaceAll('-', '').slice(0, 16)}-01`,
  };
}

function collect(bus: EventBus, topic: string, group: string, expected: number) {
  const events: DeliveredEvent[] = [];
  let resolveDone: (events: DeliveredEvent[]) => void;
  const done = new Promise<DeliveredEvent[]>((resolve) => {
    resolveDone = resolve;
  });
  const subscription = bus.subscribe({
    topic,
    group,
    handler: async (e) => {
      events.push(e);
      if (events.length === expected) resolveDone(events);
    },
  });
  return {
    events,
    done: withTimeout(done, 15_000, `${expected} events for ${group}`),
    close: async () => (await subscription).close(),
  };
}

export function assertPerKeyOrder(events: readonly DeliveredEvent[]): void {
  const last = new Map<string, number>();
  for (const e of events) {
    const seq = e.data.seq as number;
    assert.ok(
      (last.get(e.key) ?? Number.NEGATIVE_INFINITY) < seq,
      `key ${e.key}: ${seq} after ${last.get(e.key)}`,
    );
    last.set(e.key, seq);
  }
}

export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(20);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const uniqueTopic = () => `contract-${randomUUID().slice(0, 8)}`;
