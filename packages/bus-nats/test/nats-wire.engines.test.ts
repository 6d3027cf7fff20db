import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type DeliveredEvent, type EventBus, MALFORMED_EVENT_TYPE, partitionFor } from '@bounded/bus';
import { event, waitFor } from '@bounded/bus/contract';
import { type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { createNatsBus } from '../src/index.ts';

const servers = process.env.ENGINE_NATS_URL ?? 'nats://127.0.0.1:54222';

describe('NATS bus on the wire', () => {
  let bus: EventBus;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const topics: string[] = [];
  const newTopic = (name: string) => {
    const topic = `${name}-${randomUUID().slice(0, 8)}`;
    topics.push(topic);
    return topic;
  };

  before(async () => {
    bus = await createNatsBus({ servers, leaseMs: 2000 });
    nc = await connect({ servers });
    jsm = await jetstreamManager(nc);
  });

  after(async () => {
    await bus.close();
    for (const topic of topics) await jsm.streams.delete(topic).catch(() => undefined);
    await nc.close();
  });

  it('stores an event on <topic>.<partition> with the MSAEz headers, key and Nats-Msg-Id', async () => {
    const topic = newTopic('wire');
    const sent = event(topic, '주문-1', 'Ordered', { qty: 2, itemName: '장미' });
    await bus.publish([sent]);
    const stored = await jsm.streams.getMessage(topic, { seq: 1 });
    assert.ok(stored);
    assert.equal(stored.subject, `${topic}.${partitionFor('주문-1', 8)}`);
    assert.equal(stored.header.get('type'), 'Ordered');
    assert.equal(stored.header.get('id'), sent.id);
    assert.equal(stored.header.get('Nats-Msg-Id'), sent.id);
    assert.equal(stored.header.get('key'), '주문-1');
    assert.equal(stored.header.get('source'), 'order');
    assert.equal(stored.header.get('traceparent'), sent.traceparent);
    assert.deepEqual(stored.json(), {
      eventType: 'Ordered',
      timestamp: sent.timestamp,
      qty: 2,
      itemName: '장미',
    });
  });

  it('stores a re-published event once (the outbox re-publishes after a crash)', async () => {
    const topic = newTopic('dedupe');
    const sent = event(topic, 'k', 'Step', { seq: 1 });
    await bus.publish([sent]);
    await bus.publish([sent, event(topic, 'k', 'Step', { seq: 2 })]);
    const info = await jsm.streams.info(topic);
    assert.equal(info.state.messages, 2);
  });

  it('delivers what other producers wrote: fallback id, quoted type header, malformed bodies', async () => {
    const topic = newTopic('foreign');
    await bus.publish([event(topic, 'k', 'Init', {})]); // creates the stream
    const got: DeliveredEvent[] = [];
    const subscription = await bus.subscribe({
      topic,
      group: 'reader',
      handler: async (e) => {
        got.push(e);
      },
    });
    const js = jetstream(nc);
    const spring = headers();
    spring.set('type', '"Shipped"'); // Spring's header mapper JSON-quotes strings
    const springAck = await js.publish(
      `${topic}.2`,
      JSON.stringify({ eventType: 'Shipped', timestamp: '20240102030405', orderId: 7 }),
      { headers: spring },
    );
    const brokenAck = await js.publish(`${topic}.2`, 'not json');
    await waitFor(() => got.length === 3, 10_000, 'three events');
    const shipped = got.find((e) => e.offset === springAck.seq);
    assert.ok(shipped);
    assert.equal(shipped.type, 'Shipped');
    assert.equal(shipped.id, `${topic}-2-${springAck.seq}`);
    assert.equal(shipped.partition, 2);
    assert.equal(shipped.timestamp, Date.UTC(2024, 0, 2, 3, 4, 5));
    assert.deepEqual(shipped.data, { orderId: 7 });
    assert.ok(shipped.appendedAt && Math.abs(shipped.appendedAt - Date.now()) < 60_000);
    const broken = got.find((e) => e.offset === brokenAck.seq);
    assert.ok(broken);
    assert.equal(broken.type, MALFORMED_EVENT_TYPE);
    assert.equal(broken.id, `${topic}-2-${brokenAck.seq}`);
    assert.equal(broken.data.raw, 'not json');
    await subscription.close();
  });

  it('refuses a stream made with another partition count', async () => {
    const topic = newTopic('parts');
    await bus.publish([event(topic, 'k', 'Init', {})]);
    const other = await createNatsBus({ servers, partitions: 4 });
    try {
      await assert.rejects(other.publish([event(topic, 'k', 'Next', {})]), /has 8 partitions/);
    } finally {
      await other.close();
    }
  });
});
