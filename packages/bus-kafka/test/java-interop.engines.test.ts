/**
 * Interop with generated Java (MSAEz / Spring Cloud Stream) services on one Kafka topic, both
 * generations of the envelope. The Java side is interop/java (bounded.interop.MsaezPeer): the
 * real Kafka client, spring-kafka's DefaultKafkaHeaderMapper, SpEL and Jackson.
 *   a. Java → us: Paid from each generation reaches flowerdelivery's ordermanagement service.
 *   b. us → Java: an event our outbox relay publishes satisfies @StreamListener(condition =
 *      "headers['type']=='Ordered'") and binds as the generated AbstractEvent subclasses bind it.
 *   c. One key, one partition, whichever side produced it.
 * Needs the broker of engines/kafka.sh, java and mvn; fails, never skips, without them.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type BuiltService, buildService } from '@bounded/kernel';
import { eventually, publish, tempDir } from '@bounded/service-kit/testing';
import { Admin } from '@platformatic/kafka';
import { orderManagementService } from '../../../systems/flowerdelivery/ordermanagement/src/service.ts';
import type { OrderManagementTables } from '../../../systems/flowerdelivery/ordermanagement/src/tables.ts';
import { javaPartition, parseKafkaUrl } from '../src/index.ts';

const url = process.env.ENGINE_KAFKA_URL ?? 'kafka://127.0.0.1:59092';
const brokers = parseKafkaUrl(url).brokers;
const bootstrap = brokers.join(',');
const PARTITIONS = 8; // the adapter's default, which creates the topic
const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
// The system's topic, made unique per run (BUS_TOPIC) so every run starts from an empty log.
const topic = `flowerdelivery-interop-${run}`;
const javaGroup = `msaez-peer-${run}`;
const peerDir = join(import.meta.dirname, '../../../interop/java');

/** One record as the Java peer reports it (publish or consume). */
interface JavaRecord {
  key: string | null;
  partition: number;
  offset: number;
  value?: string;
  headers: Array<{ name: string; utf8: string; hex: string }>;
  typeHeader?: string | null;
  typeHeaderClass?: string | null;
  condition?: string;
  conditionMatches?: boolean;
  eventType?: string;
  timestamp?: number | string;
  timestampClass?: string;
  isMe?: boolean;
  binds?: Record<'stream-listener' | 'typed-header', boolean>;
  fields?: Record<string, unknown>;
}

function exec(
  command: string,
  args: string[],
  stdin = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

let classpath = '';
async function peer(args: string[], stdin = ''): Promise<JavaRecord[]> {
  const { code, stdout, stderr } = await exec(
    'java',
    [
      '-Xmx256m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-cp',
      classpath,
      'bounded.interop.MsaezPeer',
      ...args,
    ],
    stdin,
  );
  if (code !== 0) throw new Error(`MsaezPeer ${args[0]} exited ${code}: ${stderr}\n${stdout}`);
  return stdout
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as JavaRecord);
}

const header = (record: JavaRecord, name: string) => record.headers.find((h) => h.name === name);
const line = {
  itemName: '장미 한바구니',
  qty: 1,
  itemPrice: 50000,
  storeName: 'KJSHOP',
  userName: 'customer1',
};

describe('Kafka interop with generated Java (MSAEz) services', { timeout: 240_000 }, () => {
  let service: BuiltService<OrderManagementTables>;
  const timings: Record<string, number> = {};

  before(async () => {
    const started = Date.now();
    const build = await exec('bash', [join(peerDir, 'build.sh')]);
    if (build.code !== 0) throw new Error(`interop/java/build.sh failed (${build.code}):\n${build.stderr}`);
    classpath = build.stdout.trim().split('\n').at(-1) ?? '';
    timings.javaBuildMs = Date.now() - started;
    service = await buildService(orderManagementService, {
      DATA_DIR: tempDir('bounded-interop-'),
      LOG_LEVEL: 'silent',
      BUS_URL: url,
      BUS_TOPIC: topic,
    });
    await service.start(); // joins the group 'ordermanagement' and creates the topic (8 partitions)
  });

  after(async () => {
    await service?.close();
    const admin = new Admin({ clientId: `interop-cleanup-${run}`, bootstrapBrokers: [...brokers] });
    try {
      await admin.deleteGroups({ groups: [javaGroup] }).catch(() => {});
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    } finally {
      await admin.close().catch(() => {});
    }
    console.log(`java-interop timings: ${JSON.stringify(timings)}`);
  });

  const copyOf = async (orderId: number) => {
    const res = await service.app.inject({ url: `/ordermanagements?orderId=${orderId}` });
    return res.json()._embedded?.ordermanagements?.[0];
  };

  it('a. Java → us: Paid from each generation becomes a store order in ordermanagement', async () => {
    const generations = ['stream-listener', 'typed-header', 'typed-header-raw'] as const;
    const events = generations.map((generation, i) => ({
      generation,
      // What the seed's payment service sends: the order line, its own id, the status.
      fields: { eventType: 'Paid', id: 500 + i, orderId: 9001 + i, ...line, paymentStatus: 'Paid' },
      // No key: the generated AbstractEvent.publish() sets none.
    }));
    const started = Date.now();
    const sent = await peer(
      ['publish', bootstrap, topic, '-'],
      events.map((e) => JSON.stringify(e)).join('\n'),
    );
    timings.javaPublish3Ms = Date.now() - started;
    assert.equal(sent.length, 3);

    // What each generation put on the wire.
    const [older, quoted, raw] = sent;
    assert.equal(older.key, null);
    assert.equal(header(older, 'type'), undefined);
    assert.match(JSON.parse(older.value ?? '{}').timestamp, /^\d{14}$/);
    assert.equal(JSON.parse(older.value ?? '{}').me, true);
    assert.equal(header(quoted, 'type')?.utf8, '"Paid"');
    assert.equal(header(raw, 'type')?.utf8, 'Paid');
    for (const record of [quoted, raw]) {
      assert.equal(typeof JSON.parse(record.value ?? '{}').timestamp, 'number');
      assert.deepEqual(JSON.parse(header(record, 'spring_json_header_types')?.utf8 ?? '{}'), {
        type: 'java.lang.String',
        contentType: 'java.lang.String',
      });
    }
    assert.equal(header(older, 'contentType')?.utf8, '"application/json"');

    for (const [i, generation] of generations.entries()) {
      const copy = await eventually(() => copyOf(9001 + i), 30_000).catch((error) => {
        throw new Error(`no store order for the ${generation} Paid: ${(error as Error).message}`);
      });
      assert.equal(copy.orderStatus, 'Received', generation);
      assert.equal(copy.itemName, line.itemName, generation);
      assert.equal(copy.qty, 1, generation);
      assert.equal(copy.itemPrice, 50000, generation);
    }
    timings.javaToUsMs = Date.now() - started;
    const list = (await service.app.inject({ url: '/ordermanagements' })).json();
    assert.equal(list.page.totalElements, 3);
    const parked = (await service.app.inject({ url: '/admin/parked' })).json();
    assert.deepEqual(parked.parked, []);
  });

  // b and c share one round: both sides publish, then the Java peer consumes the whole topic.
  const keys = ['9100', '1', '42', '4711', 'order-가나다-é'];
  let round: Promise<{ javaSent: JavaRecord[]; seen: JavaRecord[] }> | undefined;
  const javaRound = () => {
    round ??= (async () => {
      const started = Date.now();
      // Ours, through ordermanagement's own outbox and relay (as any service publishes): Ordered
      // for order 9100, and DeliveryStarted for every key of c.
      await publish(service as BuiltService<unknown>, [
        {
          type: 'Ordered',
          key: '9100',
          data: { id: 9100, orderId: 9100, ...line, orderStatus: 'Ordered' },
        },
        ...keys.map((key, i) => ({
          type: 'DeliveryStarted',
          key,
          data: { id: 700 + i, orderId: 9100, deliveryStatus: 'DeliveryStarted' },
        })),
      ]);
      // Java's, with the same keys.
      const javaSent = await peer(
        ['publish', bootstrap, topic, '-'],
        keys
          .map((key, i) =>
            JSON.stringify({
              generation: 'typed-header',
              fields: {
                eventType: 'DeliveryStarted',
                id: 800 + i,
                orderId: 9100,
                deliveryStatus: 'DeliveryStarted',
              },
              key,
            }),
          )
          .join('\n'),
      );
      // 3 Paid (a) + 1 Ordered + 5 DeliveryStarted of ours + 5 of Java's.
      const seen = await peer(['consume', bootstrap, topic, javaGroup, '14', '60000']);
      timings.usToJavaRoundMs = Date.now() - started;
      return { javaSent, seen };
    })();
    return round;
  };

  it("b. us → Java: our Ordered matches headers['type']=='Ordered' and binds as AbstractEvent", async () => {
    const { seen } = await javaRound();
    const ordered = seen.filter((r) => r.eventType === 'Ordered');
    assert.equal(ordered.length, 1);
    const [event] = ordered;
    assert.equal(event.key, '9100');
    assert.equal(
      event.typeHeaderClass,
      'java.lang.String',
      `type header as Spring maps it: ${JSON.stringify(event)}`,
    );
    assert.equal(event.typeHeader, 'Ordered');
    assert.equal(event.conditionMatches, true, event.condition);
    assert.equal(event.isMe, true);
    assert.deepEqual(event.binds, { 'stream-listener': true, 'typed-header': true });
    assert.equal(event.timestampClass, 'java.lang.Long');
    assert.ok(Math.abs(Number(event.timestamp) - Date.now()) < 120_000, `timestamp ${event.timestamp}`);
    assert.deepEqual(event.fields, { id: 9100, orderId: 9100, ...line, orderStatus: 'Ordered' });
    assert.equal(event.partition, javaPartition('9100', PARTITIONS));

    // The peer reads Java's own events as a generated consumer would: the typed generations
    // match their condition, the older one (no type header) only its condition-less listener.
    const paid = seen
      .filter((r) => r.eventType === 'Paid')
      .sort((x, y) => Number(x.fields?.orderId) - Number(y.fields?.orderId));
    assert.deepEqual(
      paid.map((r) => [r.fields?.orderId, r.typeHeaderClass, r.conditionMatches]),
      [
        [9001, null, false],
        [9002, 'java.lang.String', true],
        [9003, 'java.lang.String', true],
      ],
    );
  });

  it('c. one key, one partition: Java and our adapter agree', async () => {
    const { javaSent, seen } = await javaRound();
    for (const key of keys) {
      // DeliveryStarted ids: 700… ours, 800… Java's.
      const ours = seen.filter((r) => r.key === key && Number(r.fields?.id) < 800);
      const theirs = javaSent.filter((r) => r.key === key);
      assert.equal(ours.length, 1, `our DeliveryStarted for key ${key}`);
      assert.equal(theirs.length, 1, `Java's DeliveryStarted for key ${key}`);
      const expected = javaPartition(key, PARTITIONS);
      assert.equal(theirs[0].partition, expected, `Java's partition for key ${key}`);
      assert.equal(ours[0].partition, expected, `our partition for key ${key}`);
      // And Java's own record, read back, sits where Java said it put it.
      const back = seen.find((r) => r.key === key && Number(r.fields?.id) >= 800);
      assert.equal(back?.partition, theirs[0].partition);
    }
    const ordered = seen.find((r) => r.eventType === 'Ordered');
    const sameKey = javaSent.find((r) => r.key === '9100');
    assert.equal(
      ordered?.partition,
      sameKey?.partition,
      'Ordered (ours) and DeliveryStarted (Java) of order 9100',
    );
  });
});
