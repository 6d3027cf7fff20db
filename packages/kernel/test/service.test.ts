import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildService } from '../src/index.ts';
import { serviceSuite, shop } from './service-suite.ts';

serviceSuite('SQLite', async () => ({ DATA_DIR: mkdtempSync(join(tmpdir(), 'bounded-service-')) }));

describe('BUS_TOPIC', () => {
  it('runs the system on a topic of another name: events go there, and only there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bounded-topic-'));
    const renamed = await buildService(shop, {
      DATA_DIR: dir,
      LOG_LEVEL: 'silent',
      BUS_TOPIC: 'testsystem.blue',
    });
    await renamed.start();
    try {
      const seen: string[] = [];
      const probe = await renamed.context.bus.subscribe({
        topic: 'testsystem.blue',
        group: 'probe',
        handler: async (event) => {
          seen.push(`${event.topic}:${event.type}`);
        },
      });
      const idle = await renamed.context.bus.subscribe({
        topic: 'testsystem',
        group: 'probe',
        handler: async (event) => {
          seen.push(`${event.topic}:${event.type}`);
        },
      });
      await renamed.app.inject({ method: 'POST', url: '/orders', payload: { id: 'b1', qty: 1 } });
      const deadline = Date.now() + 10_000;
      while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(seen.sort(), ['testsystem.blue:Noted', 'testsystem.blue:Ordered']);
      await Promise.all([probe.close(), idle.close()]);
    } finally {
      await renamed.close();
    }
    const bad = buildService(shop, { DATA_DIR: dir, LOG_LEVEL: 'silent', BUS_TOPIC: 'a topic' });
    await assert.rejects(bad, /BUS_TOPIC/);
  });
});
