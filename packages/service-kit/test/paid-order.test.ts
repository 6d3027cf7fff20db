/**
 * paidOrders on a real service (embedded store and log): an order paid then saved with its
 * event; payment certainly not reached → nothing; payment's answer lost → in doubt, then saved
 * once payment answers under the same key; the save failing in-process → the refund asked for;
 * and the case kill -9 made: a process that paid and died before saving → the next process asks
 * payment again under the same key (the same payment) and saves the order, no refund.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DependencyUnavailableError } from '@bounded/http-client';
import { type BuiltService, buildService, type ServiceDefinition } from '@bounded/kernel';
import { sql } from 'kysely';
import { accept } from '../src/decision.ts';
import { type PaidOrders, paidOrders } from '../src/paid-order.ts';
import { type SagaTables, sagaMigrations } from '../src/saga.ts';
import { eventually, probeEvents, tempDir } from '../src/testing/index.ts';
import { plantedSaga } from './saga-rows.ts';

interface Order {
  id: number;
  item: string;
  paymentId: number;
}
interface Tables extends SagaTables {
  orders: Order;
}
type Event =
  | { type: 'Ordered'; data: Order }
  | { type: 'RefundRequested'; data: { orderId: number; paymentId: number } };

/** The fake payment: one payment per idempotency key, whatever the number of asks. */
const payments = new Map<string, number>();
const asked: string[] = [];
let mode: 'ok' | 'open' | 'timeout' = 'ok';
/** What the fake payment's client would refuse a call with now, without making it. */
let refusingBeforehand: Error | undefined;
let nextNumber = 100;

async function pay(_orderId: number, _item: string, key: string): Promise<{ paymentId: number }> {
  asked.push(key);
  if (mode === 'open') unavailable('DEPENDENCY.CIRCUIT_OPEN');
  const paymentId = payments.get(key) ?? payments.size + 1;
  payments.set(key, paymentId);
  // The payment is taken, but its answer is lost on the way back.
  if (mode === 'timeout') unavailable('DEPENDENCY.TIMEOUT');
  return { paymentId };
}

function unavailable(code: ConstructorParameters<typeof DependencyUnavailableError>[0]['code']): never {
  throw new DependencyUnavailableError({ dependency: 'payment', code, reason: code, retryAfterSeconds: 1 });
}

function definition(onPlacing: (placing: PaidOrders<string, Order>) => void): ServiceDefinition<Tables> {
  return {
    name: 'orders',
    topic: 'paid-order-test',
    migrations: {
      ...sagaMigrations,
      '0001_orders': {
        async up(db) {
          await db.schema
            .createTable('orders')
            .addColumn('id', 'integer', (c) => c.primaryKey())
            .addColumn('item', 'varchar(255)', (c) => c.notNull())
            .addColumn('paymentId', 'integer', (c) => c.notNull())
            .execute();
        },
      },
    },
    setup(ctx) {
      onPlacing(
        paidOrders<Tables, string, Order, Event>(
          ctx,
          {
            name: 'placeOrder',
            number: async () => nextNumber++,
            refusalNow: () => refusingBeforehand,
            pay: (orderId, item, key) => pay(orderId, item, key),
            decide: (id, item, paymentId) => {
              const order = { id, item, paymentId };
              return accept(order, [{ type: 'Ordered' as const, data: order }]);
            },
            save: (trx, order) => trx.insertInto('orders').values(order).execute(),
            compensation: (orderId, paymentId) => ({ type: 'RefundRequested', data: { orderId, paymentId } }),
            toNewEvent: (event) => ({
              type: event.type,
              key: String(orderIdOf(event)),
              data: { ...event.data },
            }),
          },
          // A lease long enough to be renewed on a loaded machine (renewal is a write transaction).
          { leaseMs: 1200, resumeEveryMs: 50 },
        ),
      );
    },
  };
}

const orderIdOf = (event: Event) => ('orderId' in event.data ? event.data.orderId : event.data.id);

describe('paidOrders', () => {
  const dataDir = tempDir('paid-order-');
  let service: BuiltService<Tables>;
  let placing: PaidOrders<string, Order>;
  let probe: Awaited<ReturnType<typeof probeEvents>>;
  const start = async () => {
    service = await buildService(
      definition((p) => {
        placing = p;
      }),
      { DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    );
    await service.start();
    probe = await probeEvents(service as BuiltService<unknown>, 'paid-order-test');
  };
  const stop = async () => {
    await probe.close();
    await service.close();
  };
  const orderRow = (id: number) =>
    service.context.store.db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
  const sagaOf = (id: number) =>
    service.context.store.db
      .selectFrom('bounded_sagas')
      .selectAll()
      .where('correlation', '=', String(id))
      .executeTakeFirstOrThrow();
  const eventsOf = (id: number) => probe.seen.filter((e) => e.key === String(id)).map((e) => e.type);

  before(start);
  after(stop);

  it('pays under the saga’s key, then saves the order with its event', async () => {
    const order = await placing.place('roses');
    assert.deepEqual(await orderRow(order.id), order);
    const saga = await sagaOf(order.id);
    assert.equal(saga.status, 'completed');
    assert.equal(payments.get(`${saga.id}:pay`), order.paymentId);
    await eventually(async () => eventsOf(order.id).includes('Ordered'));
  });

  it('payment certainly not reached (breaker open) → the error passed on, nothing saved, no event', async () => {
    mode = 'open';
    const id = nextNumber;
    await assert.rejects(placing.place('tulips'), { code: 'DEPENDENCY.CIRCUIT_OPEN' });
    mode = 'ok';
    assert.equal(await orderRow(id), undefined);
    assert.equal((await sagaOf(id)).status, 'compensated');
    assert.deepEqual(eventsOf(id), []);
  });

  it('payment’s client refusing beforehand (bulkhead full) → that refusal, and nothing numbered, written or asked', async () => {
    refusingBeforehand = new DependencyUnavailableError({
      dependency: 'payment',
      code: 'DEPENDENCY.BUSY',
      reason: 'too many calls in flight',
      retryAfterSeconds: 1,
    });
    const number = nextNumber;
    const asks = asked.length;
    const sagas = await service.context.store.db
      .selectFrom('bounded_sagas')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    await assert.rejects(placing.place('daisies'), { code: 'DEPENDENCY.BUSY' });
    refusingBeforehand = undefined;
    assert.equal(nextNumber, number, 'no order number taken');
    assert.equal(asked.length, asks, 'payment not asked');
    const sagasAfter = await service.context.store.db
      .selectFrom('bounded_sagas')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(sagasAfter.n), Number(sagas.n), 'no saga row');
    const order = await placing.place('daisies');
    assert.equal((await orderRow(order.id))?.item, 'daisies', 'taken again once the client has room');
  });

  it('payment’s answer lost (timeout) → 503 in doubt; asked again under the same key, the order is saved with that payment', async () => {
    mode = 'timeout';
    const id = nextNumber;
    await assert.rejects(placing.place('lilies'), { status: 503, code: 'SAGA.IN_DOUBT' });
    assert.equal(await orderRow(id), undefined);
    const key = `${(await sagaOf(id)).id}:pay`;
    mode = 'ok';
    const saved = await eventually(() => orderRow(id));
    assert.equal(saved.paymentId, payments.get(key), 'the payment taken first, not a second one');
    assert.ok(asked.filter((k) => k === key).length >= 2);
    assert.equal((await sagaOf(id)).status, 'completed');
  });

  it('the save failing after payment → 503 ORDER.NOT_SAVED and the refund requested, once', async () => {
    await sql`CREATE TRIGGER fail_orders BEFORE INSERT ON orders WHEN NEW.item = 'BROKEN' BEGIN SELECT RAISE(ABORT, 'disk trouble'); END`.execute(
      service.context.store.db,
    );
    const id = nextNumber;
    await assert.rejects(placing.place('BROKEN'), { status: 503, code: 'ORDER.NOT_SAVED' });
    const saga = await sagaOf(id);
    assert.equal(saga.status, 'compensated', 'not retried: the refund is on its way');
    await eventually(async () => eventsOf(id).includes('RefundRequested'));
    const refund = probe.seen.find((e) => e.type === 'RefundRequested' && e.key === String(id));
    assert.deepEqual(refund?.data, { orderId: id, paymentId: payments.get(`${saga.id}:pay`) });
    assert.equal(await orderRow(id), undefined);
  });

  it('a process that paid and was killed before saving → the next one saves the order with that payment, no refund', async () => {
    // What kill -9 between the payment and the save leaves: the saga's row, held by a dead
    // driver, and a payment taken under its key.
    const id = 900;
    const sagaId = 'killed-after-paying';
    payments.set(`${sagaId}:pay`, 77);
    await service.context.store.db
      .insertInto('bounded_sagas')
      .values(
        plantedSaga({
          id: sagaId,
          saga: 'placeOrder',
          correlation: String(id),
          input: JSON.stringify({ orderId: id, request: 'orchids' }),
        }),
      )
      .execute();
    await stop();
    await start();
    const saved = await eventually(() => orderRow(id));
    assert.deepEqual(saved, { id, item: 'orchids', paymentId: 77 });
    assert.equal(payments.size, [...new Set(payments.values())].length, 'no second payment');
    assert.equal((await sagaOf(id)).status, 'completed');
    await eventually(async () => eventsOf(id).includes('Ordered'));
    assert.ok(!eventsOf(id).includes('RefundRequested'));
  });
});
