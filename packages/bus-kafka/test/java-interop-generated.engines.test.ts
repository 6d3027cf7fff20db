/**
 * A mixed flowerdelivery on one Kafka topic: generated-style Java services (interop/java/generated:
 * Spring Boot, Spring Data REST, Feign, @StreamListener, keyless publishAfterCommit events with
 * "YYYYMMddHHmmss" timestamps in the JVM's zone) and ours, both ways round.
 *   A. Java order → our payment (Feign, sync) → our ordermanagement, delivery, mypage; our
 *      Decorated and DeliveryStarted reach the Java order's header-conditioned listeners.
 *   B. Our order → the Java payment (sync; the id only in Location) → our downstream on its
 *      keyless Paid (no itemPrice, no userName); a cancel reaches the Java payment's listener and
 *      its keyless PaymentCancelled comes back as a refund.
 * Every keyless event lands on its own order (never order 0), and nothing is parked.
 * Needs the broker of engines/kafka.sh, java and mvn; fails, never skips, without them.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DeliveredEvent } from '@bounded/bus';
import type { ServiceDefinition } from '@bounded/kernel';
import {
  eventually,
  freePort,
  type InProcessService,
  startInProcess,
  tempDir,
} from '@bounded/service-kit/testing';
import { Admin } from '@platformatic/kafka';
import type { TObject } from '@sinclair/typebox';
import { deliveryService } from '../../../systems/flowerdelivery/delivery/src/service.ts';
import { myPageService } from '../../../systems/flowerdelivery/mypage/src/service.ts';
import { orderService } from '../../../systems/flowerdelivery/order/src/service.ts';
import { orderManagementService } from '../../../systems/flowerdelivery/ordermanagement/src/service.ts';
import { paymentService } from '../../../systems/flowerdelivery/payment/src/service.ts';
import { parseKafkaUrl } from '../src/index.ts';

const url = process.env.ENGINE_KAFKA_URL ?? 'kafka://127.0.0.1:59092';
const brokers = parseKafkaUrl(url).brokers;
const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const peerDir = join(import.meta.dirname, '../../../interop/java');
/** The JVM's zone (the generated timestamp's) and the zone ours reads them in: the same. */
const ZONE = 'Asia/Seoul';
process.env.BUS_TIMESTAMP_ZONE = ZONE;

// biome-ignore lint/suspicious/noExplicitAny: HAL bodies, read field by field
type Json = any;

function exec(
  command: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** One generated-style Java service as its own JVM, ready when its Spring Data REST root answers. */
interface JavaService {
  readonly url: string;
  readonly log: string[];
  stop(): Promise<void>;
}

const javas = new Set<ChildProcess>();

async function startJava(
  classpath: string,
  main: 'flowerdelivery.order.OrderApplication' | 'flowerdelivery.payment.PaymentApplication',
  topic: string,
  extra: string[] = [],
): Promise<JavaService> {
  const port = await freePort();
  const group = `${main.split('.')[1]}-java-${run}-${topic.slice(-4)}`;
  const child = spawn(
    'java',
    [
      '-Xmx256m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      `-Duser.timezone=${ZONE}`,
      '-cp',
      classpath,
      main,
      `--server.port=${port}`,
      `--spring.cloud.stream.kafka.binder.brokers=${brokers.join(',')}`,
      `--spring.cloud.stream.bindings.event-in.destination=${topic}`,
      `--spring.cloud.stream.bindings.event-out.destination=${topic}`,
      // A group of its own: Java's assignment protocol cannot share a group with ours.
      `--spring.cloud.stream.bindings.event-in.group=${group}`,
      // The Kafka client's "Adding newly assigned partitions" tells when the consumer is in its group.
      '--logging.level.org.apache.kafka.clients.consumer.internals.ConsumerCoordinator=INFO',
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  javas.add(child);
  const log: string[] = [];
  child.stdout?.setEncoding('utf8').on('data', (c: string) => log.push(c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => log.push(c));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const service: JavaService = {
    url: `http://127.0.0.1:${port}`,
    log,
    async stop() {
      javas.delete(child);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${main} exited ${child.exitCode}:\n${log.join('')}`);
    try {
      if ((await fetch(`${service.url}/`)).ok) {
        // Ready to serve; the binder's consumer joins its group a moment later: wait for its
        // partitions (a slow machine may take long).
        while (Date.now() < deadline && !/Adding newly assigned partitions: \S/.test(log.join(''))) {
          await new Promise((r) => setTimeout(r, 250));
        }
        if (!/Adding newly assigned partitions: \S/.test(log.join(''))) break;
        return service;
      }
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${main} not ready within 120 s:\n${log.join('').slice(-4000)}`);
}

async function http(base: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Json) : undefined };
}

/** Every event on the topic as our bus delivers it (key, type, timestamp), in a probe group. */
async function probe(service: InProcessService, topic: string) {
  const seen: DeliveredEvent[] = [];
  const subscription = await service.service.context.bus.subscribe({
    topic,
    group: `probe-${run}-${topic.slice(-4)}`,
    handler: async (event) => {
      seen.push(event);
    },
  });
  return { seen, close: () => subscription.close() };
}

const ours = <DB, C extends TObject>(
  name: string,
  definition: ServiceDefinition<DB, C>,
  topic: string,
  env = {},
) =>
  startInProcess(
    definition,
    { DATA_DIR: tempDir(`interop-${name}-`), BUS_URL: url, BUS_TOPIC: topic, ...env },
    { listen: name === 'payment' },
  );

const nothingParked = async (services: InProcessService[]) => {
  for (const s of services) {
    const { body } = await s.call('GET', '/admin/parked');
    assert.deepEqual(
      body.parked,
      [],
      `${s.service.context.config.SERVICE_NAME} parked ${JSON.stringify(body)}`,
    );
  }
};

const rose = { storeName: 'KJSHOP', itemName: 'rose', qty: 1, itemPrice: 50000 };
const topics: string[] = [];

describe('a mixed flowerdelivery: generated-style Java services and ours on Kafka', {
  timeout: 600_000,
}, () => {
  let classpath = '';

  before(async () => {
    const build = await exec('bash', [join(peerDir, 'build-generated.sh')]);
    if (build.code !== 0)
      throw new Error(`interop/java/build-generated.sh failed (${build.code}):\n${build.stderr}`);
    classpath = build.stdout.trim().split('\n').at(-1) ?? '';
  });

  after(async () => {
    for (const child of javas)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    const admin = new Admin({ clientId: `interop-cleanup-${run}`, bootstrapBrokers: [...brokers] });
    try {
      await admin.deleteTopics({ topics }).catch(() => {});
    } finally {
      await admin.close().catch(() => {});
    }
  });

  describe('A. Java order → our payment → our ordermanagement, delivery, mypage', () => {
    const topic = `flowerdelivery-mixed-a-${run}`;
    topics.push(topic);
    let payment: InProcessService;
    let store: InProcessService;
    let delivery: InProcessService;
    let mypage: InProcessService;
    let javaOrder: JavaService;
    let events: Awaited<ReturnType<typeof probe>>;

    before(async () => {
      // Ours first: the adapter creates the topic (8 partitions).
      payment = await ours('payment', paymentService, topic);
      store = await ours('ordermanagement', orderManagementService, topic);
      delivery = await ours('delivery', deliveryService, topic);
      mypage = await ours('mypage', myPageService, topic);
      events = await probe(mypage, topic);
      javaOrder = await startJava(classpath, 'flowerdelivery.order.OrderApplication', topic, [
        `--api.url.payment=${payment.url}`,
      ]);
    });

    after(async () => {
      await javaOrder?.stop();
      await events?.close();
      for (const s of [payment, store, delivery, mypage]) await s?.close();
    });

    const storeCopy = (orderId: number) =>
      eventually(async () => {
        const { body } = await store.call('GET', `/ordermanagements?orderId=${orderId}`);
        return body._embedded.ordermanagements[0];
      }, 60_000);
    const myPage = (orderId: number, check: (row: Json) => boolean) =>
      eventually(async () => {
        const { body } = await mypage.call('GET', `/myPages?orderId=${orderId}`);
        const row = body._embedded.myPages[0];
        if (row && !check(row)) throw new Error(`myPage now ${JSON.stringify(row)}`);
        return row;
      }, 60_000);

    it('three orders placed on the Java order: each paid by ours, each its own row everywhere', async () => {
      const ids: number[] = [];
      for (const [i, userName] of ['customer1', 'customer2', 'customer3'].entries()) {
        const res = await http(javaOrder.url, 'POST', '/orders', { ...rose, qty: i + 1, userName });
        assert.equal(res.status, 201, `${JSON.stringify(res.body)}\n${javaOrder.log.join('').slice(-3000)}`);
        // Spring Data REST hides the id: it is in Location only.
        assert.equal(res.body.id, undefined);
        ids.push(Number(res.headers.get('location')?.split('/').at(-1)));
      }
      assert.deepEqual(ids, [1, 2, 3]);

      // Our payment took the Feign Payment (no userName, "paymentStatus":"paid").
      const { body: paid } = await payment.call('GET', '/payments?sort=orderId');
      assert.deepEqual(
        paid._embedded.payments.map((p: Json) => [
          p.orderId,
          p.qty,
          p.itemPrice,
          p.userName,
          p.paymentStatus,
        ]),
        [
          [1, 1, 50000, null, 'Paid'],
          [2, 2, 50000, null, 'Paid'],
          [3, 3, 50000, null, 'Paid'],
        ],
      );

      for (const [i, orderId] of ids.entries()) {
        const userName = `customer${i + 1}`;
        // The store's copy: itemPrice from our Paid, userName from the Java Ordered (keyless).
        const copy = await eventually(async () => {
          const row = await storeCopy(orderId);
          return row.userName ? row : undefined;
        }, 60_000);
        assert.equal(copy.orderStatus, 'Received');
        assert.equal(copy.qty, i + 1);
        assert.equal(copy.itemPrice, 50000);
        assert.equal(copy.userName, userName);
        await myPage(
          orderId,
          (r) =>
            r.orderStatus === 'Paid' &&
            r.paymentStatus === 'Paid' &&
            r.userName === userName &&
            r.orderQty === i + 1 &&
            r.itemPrice === 50000 &&
            r.storeName === 'KJSHOP',
        );
      }
      const { body: rows } = await mypage.call('GET', '/myPages?size=100');
      assert.equal(rows.page.totalElements, 3, JSON.stringify(rows._embedded.myPages));

      // What the Java order sent: keyless, no type header, the type and a YYYYMMddHHmmss
      // timestamp in Seoul's wall clock in the body; read back as the instant it was made.
      // (The probe is a group of its own: it may be behind MyPage.)
      const ordered = await eventually(async () => {
        const seen = events.seen.filter((e) => e.type === 'Ordered');
        return seen.length === 3 ? seen : undefined;
      }, 30_000);
      for (const e of ordered) {
        assert.equal(e.key, '');
        assert.equal(e.data.itemPrice, null, 'the generated Ordered copies no itemPrice (Integer vs Long)');
        assert.ok(
          Math.abs(e.timestamp - Date.now()) < 10 * 60_000,
          `timestamp ${new Date(e.timestamp).toISOString()}`,
        );
      }
    });

    it('the store and the rider move it on; the Java order follows through its header conditions', async () => {
      const copy = await storeCopy(1);
      for (const action of ['accept', 'decorate']) {
        const res = await store.call('POST', `/ordermanagements/${copy.id}/${action}`);
        assert.equal(res.status, 200, `${action}: ${JSON.stringify(res.body)}`);
      }
      const ride = await eventually(async () => {
        const { body } = await delivery.call('GET', '/deliveries?orderId=1');
        return body._embedded.deliveries[0];
      }, 60_000);
      assert.equal(ride.deliveryStatus, 'DeliveryRequested');
      assert.equal(ride.userName, 'customer1');
      assert.equal(ride.itemPrice, 50000);
      await eventually(
        async () => (await http(javaOrder.url, 'GET', '/orders/1')).body.orderStatus === 'Decorated',
        60_000,
      );
      assert.equal((await delivery.call('POST', `/deliveries/${ride.id}/start`)).status, 200);
      await eventually(
        async () => (await http(javaOrder.url, 'GET', '/orders/1')).body.orderStatus === 'DeliveryStarted',
        60_000,
      );
      await myPage(1, (r) => r.orderStatus === 'Decorated' && r.deliveryStatus === 'DeliveryStarted');
      await nothingParked([payment, store, delivery, mypage]);
    });
  });

  describe('B. our order → the Java payment → our ordermanagement, mypage on its keyless Paid', () => {
    const topic = `flowerdelivery-mixed-b-${run}`;
    topics.push(topic);
    let order: InProcessService;
    let store: InProcessService;
    let mypage: InProcessService;
    let javaPayment: JavaService;

    before(async () => {
      store = await ours('ordermanagement', orderManagementService, topic);
      mypage = await ours('mypage', myPageService, topic);
      javaPayment = await startJava(classpath, 'flowerdelivery.payment.PaymentApplication', topic);
      order = await ours('order', orderService, topic, {
        PAYMENT_URL: javaPayment.url,
        PAYMENT_TIMEOUT_MS: '5000',
      });
    });

    after(async () => {
      await javaPayment?.stop();
      for (const s of [order, store, mypage]) await s?.close();
    });

    let orderIds: number[] = [];
    it('orders saved with the Java payment id from Location; the store and MyPage complete on its keyless Paid', async () => {
      for (const userName of ['LKJ', 'customer2']) {
        const res = await order.call('POST', '/orders', { ...rose, userName });
        assert.equal(
          res.status,
          201,
          `${JSON.stringify(res.body)}\n${javaPayment.log.join('').slice(-3000)}`,
        );
        orderIds.push(res.body.id);
      }
      const { body: javaPayments } = await http(javaPayment.url, 'GET', '/payments');
      const byOrder = new Map<number, { id: number; paymentStatus: string }>(
        javaPayments._embedded.payments.map((p: Json) => [
          p.orderId,
          { id: Number(p._links.self.href.split('/').at(-1)), paymentStatus: p.paymentStatus },
        ]),
      );
      for (const [i, orderId] of orderIds.entries()) {
        const { body: saved } = await order.call('GET', `/orders/${orderId}`);
        assert.equal(saved.orderStatus, 'Paid');
        assert.equal(
          saved.paymentId,
          byOrder.get(orderId)?.id,
          `order ${orderId} ↔ ${JSON.stringify([...byOrder])}`,
        );
        // The request carried paymentStatus, which the generated payment copies into its Paid.
        assert.equal(byOrder.get(orderId)?.paymentStatus, 'Paid');
        const userName = i === 0 ? 'LKJ' : 'customer2';
        const copy = await eventually(async () => {
          const { body } = await store.call('GET', `/ordermanagements?orderId=${orderId}`);
          const row = body._embedded.ordermanagements[0];
          return row?.userName && row.itemPrice !== null ? row : undefined;
        }, 60_000);
        assert.deepEqual(
          [copy.orderStatus, copy.itemName, copy.qty, copy.itemPrice, copy.storeName, copy.userName],
          ['Received', 'rose', 1, 50000, 'KJSHOP', userName],
        );
        await eventually(async () => {
          const { body } = await mypage.call('GET', `/myPages?orderId=${orderId}`);
          const r = body._embedded.myPages[0];
          return (
            r?.paymentStatus === 'Paid' &&
            r.orderStatus === 'Paid' &&
            r.userName === userName &&
            r.itemPrice === 50000
          );
        }, 60_000);
      }
      const { body: rows } = await mypage.call('GET', '/myPages?size=100');
      assert.equal(rows.page.totalElements, 2, JSON.stringify(rows._embedded.myPages));
      await nothingParked([order, store, mypage]);
    });

    it("a cancel: the Java payment's OrderCancelled listener refunds, its keyless PaymentCancelled reaches ours", async () => {
      const [orderId] = orderIds;
      assert.equal((await order.call('DELETE', `/orders/${orderId}`)).status, 204);
      await eventually(async () => {
        const { body } = await http(javaPayment.url, 'GET', '/payments');
        return body._embedded.payments.find((p: Json) => p.orderId === orderId)?.paymentStatus === 'Refunded';
      }, 60_000).catch((error) => {
        throw new Error(`${(error as Error).message}\n${javaPayment.log.join('').slice(-6000)}`);
      });
      await eventually(
        async () => (await order.call('GET', `/orders/${orderId}`)).body.paymentStatus === 'Refunded',
        60_000,
      );
      await eventually(async () => {
        const { body } = await mypage.call('GET', `/myPages?orderId=${orderId}`);
        const r = body._embedded.myPages[0];
        return r?.paymentStatus === 'Refunded' && r.orderStatus === 'OrderCancelled';
      }, 60_000);
      const { body } = await store.call('GET', `/ordermanagements?orderId=${orderId}`);
      assert.equal(body._embedded.ordermanagements[0].orderStatus, 'OrderCancelled');
      await nothingParked([order, store, mypage]);
      orderIds = [];
    });
  });
});
