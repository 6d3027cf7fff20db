/**
 * carshare under chaos (`npm run chaos -- --system carshare`): customers rent cars and cancel
 * rentals (the cancel saga: reclaim the coupon, refund the payment, cancel the delivery). At the
 * end every accepted rental exists once with one payment, one delivery and one coupon; every
 * cancel has exactly one refund and its coupon taken back by a reclaim that stands; no saga is
 * left running; and customerpages equals what the services hold.
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

async function rent(client: ChaosClient): Promise<void> {
  await client.send({
    kind: 'rental',
    who: client.random.pick(CUSTOMERS)!,
    method: 'POST',
    path: '/orders',
    body: { productId: 1001, qty: 1 + Math.floor(client.random.next() * 2) },
  });
}

/** A cancel of an accepted rental not cancelled yet; one in doubt (503) may be asked again. */
async function cancel(client: ChaosClient): Promise<void> {
  const { ledger } = client;
  const over = new Set([...ledger.subjects('cancel', 'accepted'), ...ledger.subjects('cancel', 'refused')]);
  const rental = client.random.pick(ledger.of('rental', 'accepted').filter((o) => !over.has(o.subject!)));
  if (!rental) return rent(client);
  await client.send({
    kind: 'cancel',
    who: rental.who,
    method: 'POST',
    path: '/cancellations',
    body: { orderId: rental.subject },
    subject: rental.subject,
  });
}

interface Tables {
  orders: Json[];
  payments: Json[];
  refunds: Json[];
  deliveries: Json[];
  cancellations: Json[];
  coupons: Json[];
  reclaims: Json[];
  sagas: Json[];
  pages: Json[];
}

function read(db: Databases): Tables {
  return {
    orders: db.all('order', 'select id, status, customerId, paymentId from orders'),
    payments: db.all('payment', 'select id, orderId, status from payments'),
    refunds: db.all('payment', 'select orderId, paymentId from payment_cancellations'),
    deliveries: db.all('delivery', 'select id, orderId, status from deliveries'),
    cancellations: db.all('delivery', 'select orderId from cancellations'),
    coupons: db.all('coupon', 'select id, orderId, status, issued, reclaimedBy from coupons'),
    reclaims: db.all('coupon', "select id, orderId from coupon_cancellations where status = 'reclaimed'"),
    sagas: db.all(
      'delivery',
      "select correlation, step, in_doubt from bounded_sagas where status = 'running'",
    ),
    pages: db.all(
      'customerpage',
      'select orderId, customerId, status, paymentStatus, deliveryStatus, couponStatus from customerpages',
    ),
  };
}

function check(db: Databases, ledger: Ledger): Findings['list'] {
  const t = read(db);
  const found = new Findings();
  found.unique('payments per rental', t.payments, 'orderId');
  found.unique('refunds per rental', t.refunds, 'orderId');
  found.unique('deliveries per rental', t.deliveries, 'orderId');
  found.unique('cancellations per rental', t.cancellations, 'orderId');
  found.unique('coupons per rental', t.coupons, 'orderId');
  // Not one reclaim row per rental: a cancel retried after its saga compensated (503) reclaims
  // again, and the compensated reclaim, superseded, is left as it was (coupon/src/domain/coupon.ts).
  found.unique('customerpages rows per rental', t.pages, 'orderId');
  found.notMoreThanTried(ledger, 'rental', t.orders, { saved: 'rentals saved', tried: 'rentals asked' });
  for (const saga of t.sagas)
    found.add(
      'saga',
      `cancel saga of rental ${saga.correlation} still running at step ${saga.step} (in doubt: ${saga.in_doubt})`,
    );
  checkAccepted(found, t, ledger);
  checkRentals(found, t);
  checkPages(found, t);
  return found.list;
}

function checkAccepted(found: Findings, t: Tables, ledger: Ledger): void {
  const orders = byColumn(t.orders, 'id');
  const cancellations = byColumn(t.cancellations, 'orderId');
  found.effects(
    ledger,
    { kind: 'rental', rows: orders, what: 'rental', answered: 201 },
    {
      kind: 'cancel',
      rows: cancellations,
      what: 'cancel of rental',
      answered: 201,
      missing: 'has no cancellation',
    },
  );
}

/** Each rental's services agree: paid once, delivered once, rewarded once, or all of it undone once. */
function checkRentals(found: Findings, t: Tables): void {
  const payments = byColumn(t.payments, 'orderId');
  const refunds = byColumn(t.refunds, 'orderId');
  const deliveries = byColumn(t.deliveries, 'orderId');
  const cancellations = byColumn(t.cancellations, 'orderId');
  const coupons = byColumn(t.coupons, 'orderId');
  const reclaims = byColumn(t.reclaims, 'id');
  const orders = byColumn(t.orders, 'id');
  for (const order of t.orders) {
    const cancelled = cancellations.has(order.id);
    const payment = payments.get(order.id);
    const delivery = deliveries.get(order.id);
    const coupon = coupons.get(order.id);
    const says = (what: string) => found.add('saga', `rental ${order.id} (${order.status}): ${what}`);
    if (!payment) found.add('lost', `rental ${order.id} has no payment`);
    else if (payment.id !== order.paymentId) says(`names payment ${order.paymentId}, not ${payment.id}`);
    else if (payment.status !== (cancelled ? 'Cancelled' : 'OrderApproved'))
      says(`its payment is ${payment.status}`);
    if (cancelled !== refunds.has(order.id))
      says(cancelled ? 'cancelled without a refund' : 'refunded but not cancelled');
    if (order.status !== (cancelled ? 'cancelled' : 'offered'))
      says(`cancelled: ${cancelled}, yet the order shows ${order.status}`);
    if (!delivery) {
      if (!cancelled) found.add('lost', `rental ${order.id} has no delivery`);
    } else if (delivery.status !== (cancelled ? 'Cancelled' : 'Shipped'))
      says(`its delivery is ${delivery.status}`);
    if (cancelled) {
      if (coupon?.issued && coupon.status !== 'reclaimed')
        says(`its coupon ${coupon.id} is still ${coupon.status}`);
      if (coupon?.issued && reclaims.get(coupon.reclaimedBy)?.orderId !== order.id)
        says(
          `its coupon ${coupon.id} names reclaim ${coupon.reclaimedBy}, which is not a standing reclaim of it`,
        );
    } else if (coupon?.status !== 'offered' || !coupon.issued)
      found.add(
        'lost',
        `rental ${order.id} was delivered but its coupon is ${coupon ? coupon.status : 'missing'}`,
      );
  }
  for (const payment of t.payments)
    if (!orders.has(payment.orderId) && payment.status !== 'Cancelled')
      found.add(
        'saga',
        `payment ${payment.id} of rental ${payment.orderId} is approved but the rental was never saved (no refund)`,
      );
}

/** customerpages holds one row per rental, equal to the sources. */
function checkPages(found: Findings, t: Tables): void {
  const pages = byColumn(t.pages, 'orderId');
  const payments = byColumn(t.payments, 'orderId');
  const deliveries = byColumn(t.deliveries, 'orderId');
  const coupons = byColumn(t.coupons, 'orderId');
  for (const order of t.orders) {
    const page = pages.get(order.id);
    if (!page) {
      found.add('view', `rental ${order.id} has no customerpages row`);
      continue;
    }
    const coupon = coupons.get(order.id);
    const expected: Json = {
      customerId: order.customerId,
      status: order.status,
      paymentStatus: payments.get(order.id)?.status ?? null,
      deliveryStatus: deliveries.get(order.id)?.status ?? null,
      couponStatus: coupon?.issued ? coupon.status : page.couponStatus,
    };
    const wrong = Object.entries(expected).filter(([field, value]) => page[field] !== value);
    if (wrong.length > 0)
      found.add(
        'view',
        `customerpages of rental ${order.id}: ${wrong.map(([f, v]) => `${f} ${page[f]} ≠ ${v}`).join(', ')}`,
      );
  }
  const orders = byColumn(t.orders, 'id');
  for (const page of t.pages)
    if (!orders.has(page.orderId) && payments.get(page.orderId)?.status !== 'Cancelled')
      found.add('view', `customerpages has a row for rental ${page.orderId}, which does not exist`);
}

export const chaos: ChaosScenario = {
  users: CUSTOMERS,
  async step(client) {
    await (client.random.weighted({ rent: 3, cancel: 2 }) === 'rent' ? rent(client) : cancel(client));
  },
  check,
};
