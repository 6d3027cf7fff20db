/**
 * malltail under chaos (`npm run chaos -- --system malltail`): customers place and cancel orders,
 * the shop owner accepts (shipping starts) or rejects them; at the end every accepted order exists
 * once with one payment and one shop copy, every accepted one not cancelled ships once, every
 * cancel and rejection has its refund, and statusViews equals what the services hold.
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
const ENDED = new Set(['Canceled', 'Rejected']);

async function place(client: ChaosClient): Promise<void> {
  await client.send({
    kind: 'order',
    who: client.random.pick(CUSTOMERS)!,
    method: 'POST',
    path: '/orders',
    body: { itemNo: 1001, qty: 1 + Math.floor(client.random.next() * 3), customerAddress: 'Seoul' },
  });
}

async function cancel(client: ChaosClient): Promise<void> {
  const { ledger } = client;
  const over = new Set([
    ...ledger.subjects('cancel', 'accepted'),
    ...ledger.subjects('cancel', 'refused'),
    ...ledger.subjects('shop-reject', 'accepted'),
  ]);
  const order = client.random.pick(ledger.of('order', 'accepted').filter((o) => !over.has(o.subject!)));
  if (!order) return place(client);
  await client.send({
    kind: 'cancel',
    who: order.who,
    method: 'PUT',
    path: `/orders/${order.subject}/cancel`,
    subject: order.subject,
  });
}

/** The shop owner decides on a Ready copy: mostly accept, now and then reject. */
async function shopWork(client: ChaosClient): Promise<void> {
  const order = client.random.pick(client.ledger.of('order', 'accepted'));
  if (!order) return place(client);
  const list = await client.read('shop1', `/shopManagements?orderNo=${order.subject}`);
  const copy = list?._embedded?.shopManagements?.[0] as Json | undefined;
  if (copy?.deliveryStatus !== 'Ready') return;
  const action = client.random.next() < 0.2 ? 'reject' : 'accept';
  await client.send({
    kind: `shop-${action}`,
    who: 'shop1',
    method: 'POST',
    path: `/shopManagements/${copy.id}/${action}`,
    subject: order.subject,
  });
}

interface Tables {
  orders: Json[];
  payments: Json[];
  shops: Json[];
  shippings: Json[];
  views: Json[];
}

function read(db: Databases): Tables {
  return {
    orders: db.all(
      'order',
      'select id, customerId, orderStatus, deliveryStatus, paymentId, paystatus from orders',
    ),
    payments: db.all('pay', 'select id, orderNo, paystatus from payments'),
    shops: db.all('shop', 'select orderNo, deliveryStatus from shop_managements'),
    shippings: db.all('shipping', 'select orderNo, shippingStatus from shippings'),
    views: db.all(
      'viewpage',
      'select orderNo, customerId, orderStatus, paystatus, shopStatus, shippingStatus from status_views',
    ),
  };
}

function check(db: Databases, ledger: Ledger): Findings['list'] {
  const t = read(db);
  const found = new Findings();
  found.unique('payments per order', t.payments, 'orderNo');
  found.unique('shop copies per order', t.shops, 'orderNo');
  found.unique('shipments per order', t.shippings, 'orderNo');
  found.unique('statusViews rows per order', t.views, 'orderNo');
  found.notMoreThanTried(ledger, 'order', t.orders, { saved: 'orders saved', tried: 'orders placed' });
  checkAccepted(found, t, ledger);
  checkSagas(found, t);
  checkViews(found, t);
  return found.list;
}

/** Every 201 and every 2xx cancel or shop decision left its effect. */
function checkAccepted(found: Findings, t: Tables, ledger: Ledger): void {
  const orders = byColumn(t.orders, 'id');
  const shops = byColumn(t.shops, 'orderNo');
  const shopCopy = { rows: shops, answered: 200, field: 'deliveryStatus', row: 'the shop copy' };
  found.effects(
    ledger,
    { kind: 'order', rows: orders, what: 'order', answered: 201 },
    {
      kind: 'cancel',
      rows: orders,
      what: 'cancel of order',
      answered: 200,
      field: 'orderStatus',
      states: ['Canceled'],
      row: 'the order',
    },
    { kind: 'shop-reject', what: 'rejection of order', states: ['Rejected'], ...shopCopy },
    { kind: 'shop-accept', what: 'acceptance of order', states: ['Accepted', 'Canceled'], ...shopCopy },
  );
}

/** Order, payment, shop copy and shipment agree: nothing paid and forgotten, nothing ended and still shipping. */
function checkSagas(found: Findings, t: Tables): void {
  const payments = byColumn(t.payments, 'orderNo');
  const shops = byColumn(t.shops, 'orderNo');
  const shippings = byColumn(t.shippings, 'orderNo');
  const orders = byColumn(t.orders, 'id');
  for (const order of t.orders) {
    const payment = payments.get(order.id);
    const shop = shops.get(order.id);
    const shipping = shippings.get(order.id);
    const ended = ENDED.has(order.orderStatus);
    if (!payment) found.add('lost', `order ${order.id} has no payment`);
    else if (payment.id !== order.paymentId)
      found.add('saga', `order ${order.id} names payment ${order.paymentId}, not ${payment.id}`);
    else if (payment.paystatus !== (ended ? 'Refunded' : 'Paid'))
      found.add('saga', `order ${order.id} is ${order.orderStatus} but its payment is ${payment.paystatus}`);
    if (order.paystatus !== payment?.paystatus)
      found.add('saga', `order ${order.id} shows payment ${order.paystatus}, pay says ${payment?.paystatus}`);
    if (!shop) found.add('lost', `order ${order.id} never reached the shop`);
    else if (ended !== ENDED.has(shop.deliveryStatus))
      found.add(
        'saga',
        `order ${order.id} is ${order.orderStatus} but the shop's copy is ${shop.deliveryStatus}`,
      );
    if (shop?.deliveryStatus === 'Accepted' && !shipping)
      found.add('lost', `order ${order.id} was accepted by the shop but never shipped`);
    if (shipping && (ended || order.deliveryStatus === null))
      found.add('saga', `order ${order.id} is ${order.orderStatus}/${order.deliveryStatus} but it ships`);
  }
  for (const payment of t.payments)
    if (!orders.has(payment.orderNo) && payment.paystatus !== 'Refunded')
      found.add(
        'saga',
        `payment ${payment.id} of order ${payment.orderNo} is Paid but the order was never saved (no refund)`,
      );
}

/** statusViews holds one row per order, equal to the sources. */
function checkViews(found: Findings, t: Tables): void {
  const views = byColumn(t.views, 'orderNo');
  const payments = byColumn(t.payments, 'orderNo');
  const shops = byColumn(t.shops, 'orderNo');
  const shippings = byColumn(t.shippings, 'orderNo');
  for (const order of t.orders) {
    const view = views.get(order.id);
    if (!view) {
      found.add('view', `order ${order.id} has no statusViews row`);
      continue;
    }
    const expected: Json = {
      customerId: order.customerId,
      paystatus: payments.get(order.id)?.paystatus ?? null,
      shopStatus: shops.get(order.id)?.deliveryStatus ?? null,
      shippingStatus: shippings.get(order.id)?.shippingStatus ?? null,
    };
    const wrong = Object.entries(expected).filter(([field, value]) => view[field] !== value);
    const statusMatches = ENDED.has(order.orderStatus)
      ? ENDED.has(view.orderStatus)
      : view.orderStatus === order.orderStatus;
    if (!statusMatches) wrong.push(['orderStatus', order.orderStatus]);
    if (wrong.length > 0)
      found.add(
        'view',
        `statusViews of order ${order.id}: ${wrong.map(([f, v]) => `${f} ${view[f]} ≠ ${v}`).join(', ')}`,
      );
  }
  const orders = byColumn(t.orders, 'id');
  for (const view of t.views)
    if (!orders.has(view.orderNo) && payments.get(view.orderNo)?.paystatus !== 'Refunded')
      found.add('view', `statusViews has a row for order ${view.orderNo}, which does not exist`);
}

export const chaos: ChaosScenario = {
  users: [...CUSTOMERS, 'shop1'],
  async step(client) {
    const action = client.random.weighted({ place: 4, cancel: 2, shop: 3 });
    await (action === 'place' ? place(client) : action === 'cancel' ? cancel(client) : shopWork(client));
  },
  check,
};
