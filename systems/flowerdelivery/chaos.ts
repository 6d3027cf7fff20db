/**
 * flowerdelivery under chaos (`npm run chaos -- --system flowerdelivery`): customers place and
 * cancel orders, the store accepts, decorates or rejects them; at the end every accepted order
 * exists once with one payment, one store copy and (when decorated) one delivery, every cancel
 * and rejection has its refund, and MyPage equals what the four services hold.
 */
import {
  byColumn,
  type ChaosClient,
  type ChaosScenario,
  type Databases,
  Findings,
  type Json,
  type Ledger,
} from '@bounded/runner/chaos';

const CUSTOMERS = ['customer1', 'customer2'];
const ENDED = new Set(['OrderCancelled', 'OrderRejected']);

async function place(client: ChaosClient): Promise<void> {
  await client.send({
    kind: 'order',
    who: client.random.pick(CUSTOMERS)!,
    method: 'POST',
    path: '/orders',
    body: {
      storeName: 'KJSHOP',
      itemName: 'roses',
      qty: 1 + Math.floor(client.random.next() * 3),
      itemPrice: 50000,
    },
  });
}

async function cancel(client: ChaosClient): Promise<void> {
  const { ledger } = client;
  const over = new Set([
    ...ledger.subjects('cancel', 'accepted'),
    ...ledger.subjects('cancel', 'refused'),
    ...ledger.subjects('store-reject', 'accepted'),
  ]);
  const order = client.random.pick(ledger.of('order', 'accepted').filter((o) => !over.has(o.subject!)));
  if (!order) return place(client);
  await client.send({
    kind: 'cancel',
    who: order.who,
    method: 'DELETE',
    path: `/orders/${order.subject}`,
    subject: order.subject,
  });
}

/** The store moves a paid order on: Received → accept, accepted → decorate; now and then it rejects. */
async function storeWork(client: ChaosClient): Promise<void> {
  const order = client.random.pick(client.ledger.of('order', 'accepted'));
  if (!order) return place(client);
  const list = await client.read('store1', `/ordermanagements?orderId=${order.subject}`);
  const copy = list?._embedded?.ordermanagements?.[0] as Json | undefined;
  const next =
    copy && ({ Received: 'accept', OrderAccepted: 'decorate' } as Record<string, string>)[copy.orderStatus];
  if (!copy || !next) return;
  const action = client.random.next() < 0.2 ? 'reject' : next;
  await client.send({
    kind: `store-${action}`,
    who: 'store1',
    method: 'POST',
    path: `/ordermanagements/${copy.id}/${action}`,
    subject: order.subject,
  });
}

interface Tables {
  orders: Json[];
  payments: Json[];
  copies: Json[];
  deliveries: Json[];
  pages: Json[];
}

function read(db: Databases): Tables {
  return {
    orders: db.all('order', 'select id, userName, orderStatus, paymentId, paymentStatus from orders'),
    payments: db.all('payment', 'select id, orderId, paymentStatus from payments'),
    copies: db.all('ordermanagement', 'select orderId, orderStatus from ordermanagements'),
    deliveries: db.all('delivery', 'select orderId, deliveryStatus from deliveries'),
    pages: db.all(
      'mypage',
      'select orderId, userName, orderStatus, deliveryStatus, paymentStatus from my_pages',
    ),
  };
}

function check(db: Databases, ledger: Ledger): Findings['list'] {
  const t = read(db);
  const found = new Findings();
  found.unique('payments per order', t.payments, 'orderId');
  found.unique('store copies per order', t.copies, 'orderId');
  found.unique('deliveries per order', t.deliveries, 'orderId');
  found.unique('MyPage rows per order', t.pages, 'orderId');
  found.notMoreThanTried(ledger, 'order', t.orders, { saved: 'orders saved', tried: 'orders placed' });
  checkAccepted(found, t, ledger);
  checkSagas(found, t);
  checkMyPage(found, t);
  return found.list;
}

/** Every 201, 204 and store action that was answered 2xx left its effect. */
function checkAccepted(found: Findings, t: Tables, ledger: Ledger): void {
  const orders = byColumn(t.orders, 'id');
  const copies = byColumn(t.copies, 'orderId');
  const copy = { rows: copies, answered: 200, field: 'orderStatus', row: 'its copy' };
  found.effects(
    ledger,
    { kind: 'order', rows: orders, what: 'order', answered: 201 },
    {
      kind: 'cancel',
      rows: orders,
      what: 'cancel of order',
      answered: 204,
      field: 'orderStatus',
      states: ['OrderCancelled'],
      row: 'the order',
    },
    { kind: 'store-reject', what: 'rejection of order', states: ['OrderRejected'], ...copy },
    { kind: 'store-decorate', what: 'decoration of order', states: ['Decorated', 'OrderCancelled'], ...copy },
  );
}

/** Order, payment, store copy and delivery agree: nothing paid and forgotten, nothing cancelled and still on. */
function checkSagas(found: Findings, t: Tables): void {
  const payments = byColumn(t.payments, 'orderId');
  const copies = byColumn(t.copies, 'orderId');
  const deliveries = byColumn(t.deliveries, 'orderId');
  const orders = byColumn(t.orders, 'id');
  for (const order of t.orders) {
    const payment = payments.get(order.id);
    const copy = copies.get(order.id);
    const delivery = deliveries.get(order.id);
    const ended = ENDED.has(order.orderStatus);
    if (!payment) found.add('lost', `order ${order.id} has no payment`);
    else if (payment.id !== order.paymentId)
      found.add('saga', `order ${order.id} names payment ${order.paymentId}, not ${payment.id}`);
    else if (payment.paymentStatus !== (ended ? 'Refunded' : 'Paid'))
      found.add(
        'saga',
        `order ${order.id} is ${order.orderStatus} but its payment is ${payment.paymentStatus}`,
      );
    if (order.paymentStatus !== payment?.paymentStatus)
      found.add(
        'saga',
        `order ${order.id} shows payment ${order.paymentStatus}, payment says ${payment?.paymentStatus}`,
      );
    if (!copy) found.add('lost', `order ${order.id} never reached the store`);
    else if (ended !== ENDED.has(copy.orderStatus) || (!ended && statusOfCopy(copy) !== order.orderStatus))
      found.add(
        'saga',
        `order ${order.id} is ${order.orderStatus} but the store's copy is ${copy.orderStatus}`,
      );
    if (copy?.orderStatus === 'Decorated' && !delivery)
      found.add('lost', `order ${order.id} is decorated but has no delivery`);
    if (delivery && ended && delivery.deliveryStatus === 'DeliveryRequested')
      found.add('saga', `order ${order.id} is ${order.orderStatus} but its delivery is still requested`);
  }
  for (const payment of t.payments)
    if (!orders.has(payment.orderId) && payment.paymentStatus !== 'Refunded')
      found.add(
        'saga',
        `payment ${payment.id} of order ${payment.orderId} is Paid but the order was never saved (no refund)`,
      );
}

/** What the order shows while the store works on it (the store copy's status is the order's). */
function statusOfCopy(copy: Json): string {
  return copy.orderStatus === 'Received' ? 'Paid' : copy.orderStatus;
}

/** MyPage holds one row per order, equal to the sources. */
function checkMyPage(found: Findings, t: Tables): void {
  const pages = byColumn(t.pages, 'orderId');
  const payments = byColumn(t.payments, 'orderId');
  const deliveries = byColumn(t.deliveries, 'orderId');
  for (const order of t.orders) {
    const page = pages.get(order.id);
    if (!page) {
      found.add('view', `order ${order.id} has no MyPage row`);
      continue;
    }
    const statusMatches = ENDED.has(order.orderStatus)
      ? ENDED.has(page.orderStatus)
      : page.orderStatus === order.orderStatus;
    const expected = {
      userName: order.userName,
      paymentStatus: payments.get(order.id)?.paymentStatus ?? null,
      deliveryStatus: deliveries.get(order.id)?.deliveryStatus ?? page.deliveryStatus,
    };
    const wrong = Object.entries(expected).filter(([field, value]) => page[field] !== value);
    if (!statusMatches) wrong.push(['orderStatus', order.orderStatus]);
    if (wrong.length > 0)
      found.add(
        'view',
        `MyPage of order ${order.id}: ${wrong.map(([f, v]) => `${f} ${page[f]} ≠ ${v}`).join(', ')}`,
      );
  }
  const orders = byColumn(t.orders, 'id');
  for (const page of t.pages)
    if (!orders.has(page.orderId) && payments.get(page.orderId)?.paymentStatus !== 'Refunded')
      found.add('view', `MyPage has a row for order ${page.orderId}, which does not exist`);
}

export const chaos: ChaosScenario = {
  users: [...CUSTOMERS, 'store1'],
  async step(client) {
    const action = client.random.weighted({ place: 4, cancel: 2, store: 3 });
    await (action === 'place' ? place(client) : action === 'cancel' ? cancel(client) : storeWork(client));
  },
  check,
};
