/**
 * The console's endpoint on a bare app with a bus the test drives: security headers on every kind
 * of response, the map's stream carrying no events, the events stream filtered on the server and
 * held to its budget (saying how many it left out), a bad query answered 400 naming the field.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BatchHandler, DeliveredEvent, EventBus, SubscribeOptions } from '@bounded/bus';
import { buildApp } from '@bounded/kernel';
import { freePort } from '@bounded/service-kit/testing';
import { type InstalledConsole, installConsole, LIVE_EVENTS_PER_SECOND } from '../src/index.ts';

/** Reads an SSE response until `enough` says so (or 20 s pass); returns its messages. */
async function readStream(
  response: Response,
  enough: (messages: Array<{ event: string; data: unknown }>) => boolean,
): Promise<Array<{ event: string; data: unknown }>> {
  const messages: Array<{ event: string; data: unknown }> = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + 20_000;
  try {
    while (!enough(messages) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      let end = text.indexOf('\n\n');
      while (end >= 0) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
        const data = /^data: (.*)$/m.exec(block)?.[1];
        messages.push({ event, data: data === undefined ? undefined : JSON.parse(data) });
        end = text.indexOf('\n\n');
      }
    }
  } finally {
    await reader.cancel();
  }
  return messages;
}

let offset = 0;
const delivered = (type: string, key: string, data: Record<string, unknown> = {}): DeliveredEvent => ({
  id: `e${++offset}`,
  topic: 'shop',
  key,
  type,
  timestamp: Date.now(),
  appendedAt: Date.now(),
  data,
  source: 'order',
  partition: 0,
  offset,
});

type Push = { events: Array<{ type: string; key: string }>; notSent: number };

describe("the console's endpoint", { timeout: 180_000 }, () => {
  const subscribed: SubscribeOptions[] = [];
  const bus: EventBus = {
    engine: 'fake',
    async publish() {},
    async subscribe(options) {
      subscribed.push(options);
      return { assigned: () => [0], close: async () => {} };
    },
    async close() {},
  };
  const app = buildApp({ name: 'console-test', logger: false });
  const dataDir = mkdtempSync(join(tmpdir(), 'bounded-console-server-'));
  let installed: InstalledConsole;
  let base = '';
  /** Hands events to the console as the bus would (once it reads). */
  const deliver = async (events: DeliveredEvent[]) => {
    const until = Date.now() + 10_000;
    while (subscribed.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await (subscribed[0].batchHandler as BatchHandler)(events);
  };

  before(async () => {
    installed = await installConsole(app, {
      systems: [{ name: 'shop', basePort: 1, services: [{ name: 'order' }] }],
      dataDir,
      instances: () => [],
      gateways: () => [],
      openBus: async () => bus,
    });
    const port = await freePort();
    await app.listen({ host: '127.0.0.1', port });
    base = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    await installed?.close();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends its security headers with the page, its assets, its data and its streams', async () => {
    const page = await fetch(`${base}/`);
    const html = await page.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, 'the page names its script');
    const stream = await fetch(`${base}/api/stream?system=shop`);
    for (const response of [
      page,
      await fetch(`${base}${script}`),
      await fetch(`${base}/api/systems`),
      stream,
    ]) {
      const csp = response.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'self'/, response.url);
      assert.match(csp, /script-src 'self'(;|$)/, 'no inline or foreign script');
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
    }
    const first = await readStream(stream, (m) => m.some((x) => x.event === 'board'));
    assert.ok(first.some((m) => m.event === 'state'));
  });

  it('filters the events on the server, and holds a page to its budget, counting what it left out', async () => {
    const all = await fetch(`${base}/api/systems/shop/events/stream`);
    const ofKey = await fetch(`${base}/api/systems/shop/events/stream?key=k-7`);
    const ofType = await fetch(`${base}/api/systems/shop/events/stream?type=Paid&text=roses`);
    const map = await fetch(`${base}/api/stream?system=shop`);
    const burst = Array.from({ length: 1000 }, (_, i) =>
      delivered(i % 2 ? 'Paid' : 'Ordered', `k-${i % 50}`, { note: i === 501 ? 'roses' : 'tulips' }),
    );
    await deliver(burst);
    const total = (m: Array<{ event: string; data: unknown }>) =>
      m
        .filter((x) => x.event === 'events')
        .reduce((n, x) => n + (x.data as Push).events.length + (x.data as Push).notSent, 0);
    const everything = await readStream(all, (m) => total(m) >= 1000);
    const pushes = everything.filter((m) => m.event === 'events').map((m) => m.data as Push);
    const sent = pushes.reduce((n, p) => n + p.events.length, 0);
    assert.ok(sent <= LIVE_EVENTS_PER_SECOND, `at most a second's budget at once (${sent})`);
    assert.equal(sent + pushes.reduce((n, p) => n + p.notSent, 0), 1000, 'what was not sent is counted');
    const newest = pushes.at(-1)!.events.at(-1)!;
    assert.equal(newest.key, 'k-49', 'the newest are the ones sent');

    const keyed = (await readStream(ofKey, (m) => total(m) >= 20)).flatMap((m) =>
      m.event === 'events' ? (m.data as Push).events : [],
    );
    assert.equal(keyed.length, 20, 'every event of the key: under the budget, none is left out');
    assert.ok(keyed.every((e) => e.key === 'k-7'));
    const typed = (await readStream(ofType, (m) => total(m) >= 1)).flatMap((m) =>
      m.event === 'events' ? (m.data as Push).events : [],
    );
    assert.deepEqual(
      typed.map((e) => `${e.type} ${e.key}`),
      ['Paid k-1'],
      'type and text in the payload',
    );
    const mapMessages = await readStream(map, (m) => m.some((x) => x.event === 'board'));
    assert.ok(!mapMessages.some((m) => m.event === 'events'), 'the map is sent no events');

    // What a paused page shows: every kept event that matches.
    const paused = (await (
      await fetch(`${base}/api/systems/shop/events?limit=20000&type=Ordered`)
    ).json()) as {
      events: unknown[];
      matched: number;
    };
    assert.equal(paused.events.length, 500);
    assert.equal(paused.matched, 500);
  });

  it('answers a bad query with 400 naming the field', async () => {
    const response = await fetch(`${base}/api/systems/shop/events?limit=lots`);
    assert.equal(response.status, 400);
    const body = (await response.json()) as { fields: Array<{ field: string }> };
    assert.deepEqual(
      body.fields.map((f) => f.field),
      ['query.limit'],
    );
    const stream = await fetch(`${base}/api/systems/shop/events/stream?backlog=-1`);
    assert.equal(stream.status, 400);
    const unknown = await fetch(`${base}/api/systems/nowhere/events`);
    assert.equal(unknown.status, 404);
  });
});
