/**
 * What generated (MSAEz) Spring services send and answer, as ours take it (issue 19): keyless
 * events (the order id from the payload, never 0), DTOs without itemPrice or userName (rows
 * completed by a later event, nothing parked), a created id in Location only, a Feign Payment
 * without userName. The end-to-end proof with real Java services on Kafka is
 * packages/bus-kafka/test/java-interop-generated.engines.test.ts.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type BuiltService, buildService } from '@bounded/kernel';
import { createTables, declareResource, LIMITS } from '@bounded/service-kit';
import { eventually, publish, tempDir } from '@bounded/service-kit/testing';
import { openStore } from '@bounded/store';
import { Type } from '@sinclair/typebox';
import { CORRELATION, type EventType, orderIdOf } from '../events.ts';
import { myPageService } from '../mypage/src/service.ts';
import { createdIdOf } from '../order/src/payment-port.ts';
import { knownLines, orderCopyFields, relaxNotNull } from '../order-line.ts';
import { orderManagementService } from '../ordermanagement/src/service.ts';
import { paymentService } from '../payment/src/service.ts';

const TYPES = Object.keys(CORRELATION) as EventType[];

describe('orderIdOf: the order id of a keyless event', () => {
  it('is the key when there is one', () => {
    for (const type of TYPES) assert.equal(orderIdOf({ key: '12', type, data: { orderId: 99, id: 98 } }), 12);
  });

  it('comes from the payload when the key is empty, for every event type', () => {
    for (const type of TYPES) {
      assert.equal(orderIdOf({ key: '', type, data: { orderId: 7, id: 99 } }), 7, type);
      assert.equal(orderIdOf({ key: '', type, data: { orderId: '7' } }), 7, `${type}: a numeric string`);
    }
  });

  it("falls back to the aggregate's id only where the aggregate is the order", () => {
    // The seed's Ordered: {"eventType":"Ordered","timestamp":"20261201154826","id":1,…} — no orderId.
    assert.equal(orderIdOf({ key: '', type: 'Ordered', data: { id: 1, itemPrice: null } }), 1);
    assert.equal(orderIdOf({ key: '', type: 'OrderCancelled', data: { id: 3 } }), 3);
    // A Paid's id is the payment's, a Decorated's the store copy's: never taken for the order.
    for (const type of TYPES.filter((t) => t !== 'Ordered' && t !== 'OrderCancelled')) {
      assert.throws(() => orderIdOf({ key: '', type, data: { id: 5 } }), /no order id/, type);
    }
  });

  it('never answers 0: an event naming no order is refused (retried, then parked)', () => {
    for (const type of [...TYPES, 'SomethingElse']) {
      for (const data of [
        {},
        { orderId: 0 },
        { orderId: null },
        { orderId: -1 },
        { orderId: 1.5 },
        { orderId: '' },
      ]) {
        assert.throws(
          () => orderIdOf({ key: '', type, data }),
          /order id/,
          `${type} ${JSON.stringify(data)}`,
        );
      }
    }
    assert.throws(() => orderIdOf({ key: '' }), /order id/);
    assert.throws(() => orderIdOf({ key: '0' }), /not an order id/);
    assert.throws(() => orderIdOf({ key: 'abc' }), /not an order id/);
  });
});

describe('createdIdOf: the id of what a POST created', () => {
  const headers = (location?: string) => (location ? { location } : {});
  it("is the body's id when there is one (ours)", () => {
    assert.equal(createdIdOf({ headers: headers('/payments/9'), body: { id: 4 } }), 4);
  });
  it('is the last segment of Location, else of _links.self, when Spring Data REST hides it', () => {
    const hal = {
      orderId: 1,
      itemPrice: 50000,
      paymentStatus: null,
      _links: { self: { href: 'http://p:8082/payments/3' } },
    };
    assert.equal(createdIdOf({ headers: headers('http://localhost:8082/payments/1'), body: hal }), 1);
    assert.equal(createdIdOf({ headers: headers('/payments/2/'), body: undefined }), 2);
    assert.equal(createdIdOf({ headers: {}, body: hal }), 3);
    assert.equal(createdIdOf({ headers: headers('http://x/payments/5?projection=p'), body: {} }), 5);
  });
  it('is undefined when nothing names one', () => {
    assert.equal(createdIdOf({ headers: {}, body: { orderId: 1 } }), undefined);
    assert.equal(createdIdOf({ headers: headers('http://x/payments/search'), body: 'text' }), undefined);
  });
});

describe('payment: a generated order’s Feign call', () => {
  let service: BuiltService<unknown>;
  before(async () => {
    service = (await buildService(paymentService, {
      DATA_DIR: tempDir(),
      LOG_LEVEL: 'silent',
    })) as BuiltService<unknown>;
    await service.start();
  });
  after(() => service.close());

  it('is paid without userName, without an Idempotency-Key, paymentStatus ignored', async () => {
    const res = await service.app.inject({
      method: 'POST',
      url: '/payments',
      headers: { 'content-type': 'application/json;charset=UTF-8' },
      // Verbatim from the seed's order (Spring Cloud OpenFeign).
      payload:
        '{"id":null,"orderId":1,"itemPrice":50000,"paymentStatus":"paid","storeName":"KJSHOP","itemName":"rose","qty":1}',
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().userName, null);
    assert.equal(res.json().paymentStatus, 'Paid');
    assert.ok(res.headers.location);
  });
});

describe('ordermanagement and mypage on keyless events with a generated DTO’s gaps', () => {
  let store: BuiltService<unknown>;
  let mypage: BuiltService<unknown>;
  // The seed's events, verbatim but for the ids.
  const javaOrdered = (id: number, userName: string) => ({
    type: 'Ordered',
    key: '',
    data: { id, storeName: 'KJSHOP', itemName: 'rose', qty: 1, userName, itemPrice: null, orderStatus: null },
  });
  const javaPaid = (orderId: number) => ({
    type: 'Paid',
    key: '',
    data: { id: 100 + orderId, orderId, storeName: 'KJSHOP', itemName: 'rose', qty: 1, paymentStatus: null },
  });
  const ourPaid = (orderId: number) => ({
    type: 'Paid',
    key: String(orderId),
    data: {
      id: 200 + orderId,
      orderId,
      storeName: 'KJSHOP',
      itemName: 'rose',
      qty: 1,
      itemPrice: 50000,
      userName: null,
      paymentStatus: 'Paid',
    },
  });
  const copyOf = async (orderId: number) =>
    (await store.app.inject({ url: `/ordermanagements?orderId=${orderId}` })).json()._embedded
      .ordermanagements[0];
  const parked = async (service: BuiltService<unknown>) =>
    (await service.app.inject({ url: '/admin/parked' })).json().parked;

  before(async () => {
    store = (await buildService(orderManagementService, {
      DATA_DIR: tempDir(),
      LOG_LEVEL: 'silent',
    })) as BuiltService<unknown>;
    mypage = (await buildService(myPageService, {
      DATA_DIR: tempDir(),
      LOG_LEVEL: 'silent',
    })) as BuiltService<unknown>;
    await store.start();
    await mypage.start();
  });
  after(async () => {
    await store.close();
    await mypage.close();
  });

  it('a Java Paid (no itemPrice, no userName) then our Ordered: the store copy is completed, nothing parked', async () => {
    await publish(store, [javaPaid(1)]);
    const first = await eventually(() => copyOf(1));
    assert.deepEqual([first.orderStatus, first.itemPrice, first.userName], ['Received', null, null]);
    await publish(store, [
      {
        type: 'Ordered',
        key: '1',
        data: {
          id: 1,
          orderId: 1,
          storeName: 'KJSHOP',
          itemName: 'rose',
          qty: 1,
          itemPrice: 50000,
          userName: 'LKJ',
          orderStatus: 'Ordered',
        },
      },
    ]);
    await eventually(async () => (await copyOf(1)).userName === 'LKJ');
    assert.equal((await copyOf(1)).itemPrice, 50000);
    assert.deepEqual(await parked(store), []);
  });

  it('a Java Ordered (keyless, itemPrice null) before our Paid (userName null): completed from both', async () => {
    await publish(store, [javaOrdered(2, 'customer1')]);
    await new Promise((r) => setTimeout(r, 200));
    await publish(store, [ourPaid(2)]);
    const copy = await eventually(async () => {
      const row = await copyOf(2);
      return row?.userName ? row : undefined;
    });
    assert.deepEqual(
      [copy.orderStatus, copy.itemPrice, copy.userName, copy.qty],
      ['Received', 50000, 'customer1', 1],
    );
    // What the Ordered told was kept only until the copy existed.
    const left = await (store.context.store.db as never as Parameters<typeof knownLines.loadBy>[0])
      .selectFrom(knownLines.table)
      .selectAll()
      .execute();
    assert.deepEqual(left, []);
    assert.deepEqual(await parked(store), []);
  });

  it('mypage: keyless events of three orders make three rows (none for order 0), nothing parked', async () => {
    await publish(mypage, [
      javaOrdered(11, 'a'),
      javaOrdered(12, 'b'),
      javaPaid(12),
      javaPaid(13),
      javaOrdered(13, 'c'),
    ]);
    const rows = await eventually(async () => {
      const body = (await mypage.app.inject({ url: '/myPages?sort=orderId&size=50' })).json();
      const list = body._embedded.myPages;
      return list.length === 3 && list.every((r: { userName: string | null }) => r.userName)
        ? list
        : undefined;
    });
    assert.deepEqual(
      rows.map((r: Record<string, unknown>) => [r.orderId, r.userName, r.orderStatus, r.paymentStatus]),
      [
        [11, 'a', 'Ordered', null],
        [12, 'b', 'Paid', 'Paid'],
        [13, 'c', 'Paid', 'Paid'],
      ],
    );
    assert.deepEqual(await parked(mypage), []);
  });
});

describe('relaxNotNull: a table made NOT NULL by an older migration takes nulls after it (SQLite)', () => {
  it('rebuilds the table, keeping its rows and ids', async () => {
    const older = declareResource({
      table: 'copies',
      plural: 'copies',
      fields: Type.Object({
        orderId: Type.Integer({ minimum: 1, maximum: LIMITS.id }),
        itemName: Type.String({ maxLength: LIMITS.text }),
        qty: Type.Integer({ minimum: 1, maximum: LIMITS.int }),
        itemPrice: Type.Integer({ minimum: 0, maximum: LIMITS.id }),
        storeName: Type.String({ maxLength: LIMITS.text }),
        userName: Type.String({ maxLength: LIMITS.text }),
      }),
      unique: ['orderId'],
      indexes: ['storeName'],
    });
    const now = declareResource({
      table: 'copies',
      plural: 'copies',
      fields: Type.Object(orderCopyFields),
      unique: ['orderId'],
      indexes: ['storeName'],
    });
    const store = await openStore<never>(`sqlite:${join(tempDir(), 'relax.db')}`);
    // biome-ignore lint/suspicious/noExplicitAny: a table known only here
    const db = store.db as any;
    try {
      await createTables(older).up(db);
      const line = { itemName: 'rose', qty: 1, storeName: 'KJSHOP' };
      await older.insert(db, { orderId: 1, ...line, itemPrice: 1, userName: 'a' });
      await assert.rejects(() =>
        db
          .insertInto('copies')
          .values({ orderId: 2, ...line, itemPrice: null, userName: null })
          .execute(),
      );
      await relaxNotNull('copies', { itemPrice: 'bigint', userName: 'varchar(255)' }, (table) =>
        createTables({ spec: { ...now.spec, table } }),
      ).up(db);
      await now.insert(db, { orderId: 2, ...line, itemPrice: null, userName: null });
      const rows = await db.selectFrom('copies').selectAll().orderBy('id').execute();
      assert.deepEqual(
        rows.map((r: Record<string, unknown>) => [r.id, r.orderId, r.itemPrice, r.userName]),
        [
          [1, 1, 1, 'a'],
          [2, 2, null, null],
        ],
      );
      await assert.rejects(
        () => now.insert(db, { orderId: 2, ...line, itemPrice: null, userName: null }),
        /UNIQUE/,
      );
    } finally {
      await store.close();
    }
  });
});
