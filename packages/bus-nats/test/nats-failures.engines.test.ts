import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeliveredEvent, EventBus } from '@bounded/bus';
import { event, waitFor } from '@bounded/bus/contract';
import { freePort } from '@bounded/service-kit/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createNatsBus } from '../src/index.ts';

const servers = process.env.ENGINE_NATS_URL ?? 'nats://127.0.0.1:54222';
const LEASE_MS = 1500;

interface Handled {
  readonly id: string;
  readonly key: string;
  readonly seq: number;
  readonly partition: number;
}

describe('NATS bus under failures', () => {
  const buses: EventBus[] = [];
  const children: ChildProcess[] = [];
  const topics: string[] = [];
  const open = async (url = servers, extra: Parameters<typeof createNatsBus>[0] | object = {}) => {
    const bus = await createNatsBus({ servers: url, leaseMs: LEASE_MS, ackWaitMs: LEASE_MS, ...extra });
    buses.push(bus);
    return bus;
  };

  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(buses.map((bus) => bus.close().catch(() => undefined)));
    // The engine's store outlives the run: drop this file's streams.
    const nc = await connect({ servers });
    const jsm = await jetstreamManager(nc);
    for (const topic of topics) await jsm.streams.delete(topic).catch(() => undefined);
    await nc.close();
  });

  it('moves a killed member’s partitions to the survivor after the lease: nothing lost, no key reordered', async () => {
    const topic = `failover-${randomUUID().slice(0, 8)}`;
    topics.push(topic);
    const fromChild: Handled[] = [];
    let childAssigned: number[] = [];
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(import.meta.dirname, 'fixtures', 'member-process.ts'),
        servers,
        topic,
        'g',
        `${LEASE_MS}`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(child);
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [what, ...rest] = line.split(' ');
        if (what === 'assigned') childAssigned = rest[0] ? rest[0].split(',').map(Number) : [];
        if (what === 'handled') {
          const [id, key, seq, partition] = rest;
          fromChild.push({ id, key, seq: Number(seq), partition: Number(partition) });
        }
      }
    });
    await waitFor(() => childAssigned.length === 8, 20_000, 'the child process owns every partition');

    const fromSurvivor: Handled[] = [];
    const survivor = await (await open()).subscribe({
      topic,
      group: 'g',
      handler: async (e: DeliveredEvent) => {
        await sleep(1);
        fromSurvivor.push({ id: e.id, key: e.key, seq: e.data.seq as number, partition: e.partition });
      },
    });
    await waitFor(
      () => survivor.assigned().length === 4 && childAssigned.length === 4,
      10_000,
      'the partitions split 4/4',
    );

    const producer = await open();
    const keys = 20;
    const rounds = 60;
    const published = new Set<string>();
    const publishing = (async () => {
      for (let seq = 0; seq < rounds; seq++) {
        const batch = Array.from({ length: keys }, (_, k) => event(topic, `key-${k}`, 'Step', { seq }));
        await producer.publish(batch);
        for (const e of batch) published.add(e.id);
        await sleep(15);
      }
    })();
    await waitFor(() => fromChild.length >= 150, 20_000, 'the child handled some events');
    const lost = childAssigned;
    child.kill('SIGKILL');
    const killedAt = Date.now();
    await waitFor(() => survivor.assigned().length === 8, LEASE_MS * 4, 'the survivor takes every partition');
    const takeoverMs = Date.now() - killedAt;
    await publishing;
    const handledIds = () => new Set([...fromChild, ...fromSurvivor].map((h) => h.id));
    await waitFor(
      () => [...published].every((id) => handledIds().has(id)),
      20_000,
      'every published event handled by one of the two',
    );
    await sleep(300);

    assert.equal(published.size, keys * rounds);
    // Per key: what the child handled, then what the survivor handled; a redelivered event counts once.
    for (let k = 0; k < keys; k++) {
      const key = `key-${k}`;
      const seen = new Set<string>();
      const order: number[] = [];
      for (const h of [...fromChild, ...fromSurvivor]) {
        if (h.key !== key || seen.has(h.id)) continue;
        seen.add(h.id);
        order.push(h.seq);
      }
      assert.deepEqual(
        order,
        [...order].sort((a, b) => a - b),
        `${key} in order`,
      );
      assert.equal(order.length, rounds, `${key}: every event`);
    }
    // At-least-once, but only the event in flight on each moved partition may come twice.
    const survivorIds = new Set(fromSurvivor.map((h) => h.id));
    const twice = fromChild.filter((h) => survivorIds.has(h.id));
    assert.ok(twice.length <= lost.length, `${twice.length} redelivered, at most one per moved partition`);
    assert.ok(twice.every((h) => lost.includes(h.partition)));
    assert.equal(
      new Set(fromSurvivor.map((h) => h.id)).size,
      fromSurvivor.length,
      'the survivor never twice',
    );
    console.log(`takeover ${takeoverMs} ms after SIGKILL; ${twice.length} event(s) redelivered`);
    await survivor.close();
  });

  it('takes a killed member’s partitions at once, not after its lease; never a live member’s', async () => {
    const topic = `killed-${randomUUID().slice(0, 8)}`;
    topics.push(topic);
    // A lease far longer than the waits below: only the probe of the dead member's connection
    // can hand its partitions over in time (before, they stood still for the whole lease).
    const longLeaseMs = 120_000;
    const child = spawnMember(topic, 'g', longLeaseMs);
    children.push(child.process);
    await waitFor(() => child.assigned.length === 8, 20_000, 'the child process owns every partition');
    const handled = new Set<string>();
    const bus = await open(servers, { leaseMs: longLeaseMs, heartbeatMs: 200, ackWaitMs: 2000 });
    const survivor = await bus.subscribe({
      topic,
      group: 'g',
      handler: async (e: DeliveredEvent) => {
        handled.add(e.id);
      },
    });
    await waitFor(
      () => survivor.assigned().length === 4 && child.assigned.length === 4,
      20_000,
      'the partitions split 4/4',
    );
    // The child answers its probes: many beats of the survivor later, it still has its four.
    // (An absence: only a time window can show it.)
    await sleep(2000);
    assert.equal(child.assigned.length, 4, 'a live member kept its partitions');

    child.process.kill('SIGKILL');
    await waitFor(() => survivor.assigned().length === 8, 30_000, 'the survivor takes every partition');
    const events = Array.from({ length: 40 }, (_, k) => event(topic, `key-${k}`, 'Step', { seq: k }));
    await (await open()).publish(events);
    await waitFor(() => events.every((e) => handled.has(e.id)), 30_000, 'every event after the kill handled');
    await survivor.close();
  });

  it('keeps a slow handler’s event past ack_wait (working() extends it): handled once', async () => {
    const topic = `slow-${randomUUID().slice(0, 8)}`;
    topics.push(topic);
    const bus = await open(servers, { ackWaitMs: 1000 });
    const handled: number[] = [];
    const subscription = await bus.subscribe({
      topic,
      group: 'slow',
      handler: async (e) => {
        if (e.data.seq === 0) await sleep(3500);
        handled.push(e.data.seq as number);
      },
    });
    await bus.publish([0, 1].map((seq) => event(topic, 'k', 'Step', { seq })));
    await waitFor(() => handled.length >= 2, 10_000, 'both handled');
    await sleep(1500);
    assert.deepEqual(handled, [0, 1]);
    await subscription.close();
  });

  it('loses nothing that publish() acknowledged when nats-server is killed and restarted mid-stream', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bounded-nats-restart-'));
    const port = await freePort();
    const url = `nats://127.0.0.1:${port}`;
    let server = await startServer(port, dir);
    try {
      const topic = `restart-${randomUUID().slice(0, 8)}`;
      const got: DeliveredEvent[] = [];
      const consumer = await open(url);
      const subscription = await consumer.subscribe({
        topic,
        group: 'g',
        handler: async (e) => {
          got.push(e);
        },
      });
      const producer = await open(url, { publishTimeoutMs: 3000 });
      const acknowledged = new Set<string>();
      let failedCalls = 0;
      const keys = 10;
      const rounds = 150;
      const publishing = (async () => {
        for (let seq = 0; seq < rounds; seq++) {
          const batch = Array.from({ length: keys }, (_, k) => event(topic, `key-${k}`, 'Step', { seq }));
          // As the outbox relay does: the same batch again until publish() resolves.
          for (;;) {
            try {
              await producer.publish(batch);
              break;
            } catch {
              failedCalls++;
              await sleep(100);
            }
          }
          for (const e of batch) acknowledged.add(e.id);
          await sleep(5);
        }
      })();
      await waitFor(() => acknowledged.size >= 500, 20_000, 'half the events acknowledged');
      server.kill('SIGKILL');
      await new Promise((resolve) => server.once('exit', resolve));
      const ackedBeforeKill = acknowledged.size;
      await sleep(500);
      server = await startServer(port, dir);
      await publishing;
      const seenIds = () => new Set(got.map((e) => e.id));
      await waitFor(
        () => [...acknowledged].every((id) => seenIds().has(id)),
        30_000,
        'every acknowledged event delivered after the restart',
      );
      await sleep(300);
      assert.equal(acknowledged.size, keys * rounds);
      const seen = new Set<string>();
      const last = new Map<string, number>();
      for (const e of got) {
        if (seen.has(e.id)) continue; // redelivered after the crash: the inbox would drop it
        seen.add(e.id);
        const seq = e.data.seq as number;
        assert.ok((last.get(e.key) ?? -1) < seq, `${e.key}: ${seq} after ${last.get(e.key)}`);
        last.set(e.key, seq);
      }
      console.log(
        `${ackedBeforeKill} acknowledged before SIGKILL, ${failedCalls} publish() call(s) failed during the restart, ` +
          `${got.length - seen.size} redelivered`,
      );
      await subscription.close();
    } finally {
      server.kill('SIGTERM');
      await new Promise((resolve) =>
        server.exitCode === null ? server.once('exit', resolve) : resolve(null),
      );
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function natsServerBinary(): string {
  for (const path of ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'])
    if (existsSync(path)) return path;
  return 'nats-server';
}

/** A private nats-server (JetStream, store in `dir`) on `port`, answering when this resolves. */
/** A member in its own process (fixtures/member-process.ts), its assignment as it last reported it. */
function spawnMember(topic: string, group: string, leaseMs: number) {
  const member = { process: undefined as unknown as ChildProcess, assigned: [] as number[] };
  member.process = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, 'fixtures', 'member-process.ts'),
      servers,
      topic,
      group,
      `${leaseMs}`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let buffered = '';
  member.process.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const [what, list] = line.split(' ');
      if (what === 'assigned') member.assigned = list ? list.split(',').map(Number) : [];
    }
  });
  return member;
}

async function startServer(port: number, dir: string): Promise<ChildProcess> {
  const server = spawn(
    natsServerBinary(),
    [
      '--addr',
      '127.0.0.1',
      '--port',
      `${port}`,
      '--jetstream',
      '--store_dir',
      dir,
      '--server_name',
      'restart-test',
    ],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 15_000;
  while (!(await answers(port))) {
    if (server.exitCode !== null) throw new Error(`nats-server exited with ${server.exitCode}`);
    if (Date.now() > deadline) throw new Error(`nats-server did not answer on ${port}`);
    await sleep(50);
  }
  return server;
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(1000);
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('INFO') && data.toString().includes('"jetstream":true'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.connect(port, '127.0.0.1');
  });
}
