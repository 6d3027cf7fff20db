import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync as Database } from 'node:sqlite';
import { test } from 'node:test';
import { event, waitFor } from '../src/contract.ts';
import { createEmbeddedBus, type DeliveredEvent } from '../src/index.ts';

test('lazyBodies: the embedded bus delivers the headers at once and decodes a body when it is read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bounded-bus-lazy-'));
  const bus = createEmbeddedBus({ dir });
  try {
    const published = event('flowers', 'order-1', 'Ordered', { qty: 2, note: 'roses' });
    await bus.publish([published, event('flowers', 'order-1', 'Paid', { amount: 10 })]);
    // A body that is not JSON (as a foreign producer could write it) reads as raw text and error.
    const db = new Database(join(dir, 'log', 'log.db'));
    db.prepare("UPDATE events SET value = '{not json' WHERE type = 'Paid'").run();
    db.close();
    const received: DeliveredEvent[] = [];
    const subscription = await bus.subscribe({
      topic: 'flowers',
      group: 'console',
      lazyBodies: true,
      handler: async (e) => {
        received.push(e);
      },
    });
    await waitFor(() => received.length === 2, 10_000, 'both events');
    await subscription.close();
    const [ordered, paid] = received;
    assert.equal(ordered.type, 'Ordered');
    assert.equal(ordered.id, published.id);
    assert.equal(ordered.key, 'order-1');
    assert.equal(ordered.source, published.source);
    assert.ok((ordered.appendedAt ?? 0) >= published.timestamp);
    assert.deepEqual(ordered.data, { qty: 2, note: 'roses' });
    assert.equal(ordered.timestamp, published.timestamp);
    assert.deepEqual(
      JSON.parse(JSON.stringify(ordered)).data,
      { qty: 2, note: 'roses' },
      'its JSON has the body',
    );
    assert.equal(paid.type, 'Paid', 'the type is the header, known without the body');
    assert.equal(paid.data.raw, '{not json');
    assert.match(String(paid.data.error), /not JSON/);
    assert.equal(paid.timestamp, paid.appendedAt);
  } finally {
    await bus.close();
  }
});
