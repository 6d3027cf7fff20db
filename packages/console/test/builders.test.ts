/** The builders behind the map and the timelines, from declarations, events and handling records. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Board,
  buildBoard,
  buildTimeline,
  type ConsoleEvent,
  commandNamed,
  emptyTopology,
  isCompensation,
  layoutBoard,
  learn,
  learnDescribed,
  type ServiceDescription,
  type SystemDeclaration,
} from '../src/index.ts';

/** A small shop: order (commands), payment (a policy that reacts), a view fed by both. */
const shop: SystemDeclaration = {
  name: 'shop',
  basePort: 9100,
  services: [
    {
      name: 'order',
      calls: ['payment'],
      routes: [{ prefix: '/orders', roles: { '*': ['customer'] } }],
    },
    { name: 'payment', routes: [{ prefix: '/payments', roles: { '*': [] } }] },
    { name: 'view', routes: [{ prefix: '/statusViews', roles: { GET: ['customer'] } }] },
  ],
};

type Described = Pick<ServiceDescription, 'handles' | 'publishes' | 'routes'>;
const described = new Map<string, Described>([
  [
    'order',
    {
      handles: ['Refunded'],
      publishes: ['Ordered', 'OrderCancelled'],
      routes: [
        { method: 'GET', url: '/orders' },
        { method: 'POST', url: '/orders' },
        { method: 'DELETE', url: '/orders/:id' },
      ],
    },
  ],
  [
    'payment',
    { handles: ['OrderCancelled'], publishes: ['Refunded'], routes: [{ method: 'POST', url: '/payments' }] },
  ],
  [
    'view',
    {
      handles: ['Ordered', 'OrderCancelled', 'Refunded', 'Paid', 'Shipped'],
      publishes: [],
      routes: [{ method: 'GET', url: '/statusViews' }],
    },
  ],
]);

let seq = 0;
const event = (type: string, source: string, timestamp: number, key = '1'): ConsoleEvent => ({
  seq: ++seq,
  id: `${type}-${key}-${seq}`,
  topic: 'shop',
  key,
  type,
  timestamp,
  source,
  partition: 0,
  offset: seq,
  at: timestamp,
  seenAt: timestamp,
  data: {},
});

const edgeIds = (board: Board) => board.edges.map((e) => `${e.kind} ${e.from} -> ${e.to}`);

describe('the board', () => {
  it('draws services as boxes, commands from routes, read models from read-only routes, policies from handled types', () => {
    const topology = emptyTopology();
    learnDescribed(topology, 'order', {
      commands: { 'POST /orders': ['Ordered'], 'DELETE /orders/:id': ['OrderCancelled'] },
    });
    learnDescribed(topology, 'payment', { reactions: { OrderCancelled: ['Refunded'] } });
    const board = buildBoard(shop, described, topology);
    const node = (id: string) => board.nodes.find((n) => n.id === id);
    assert.deepEqual(
      board.nodes.filter((n) => n.kind === 'service').map((n) => n.id),
      ['svc:order', 'svc:payment', 'svc:view'],
    );
    assert.equal(node('cmd:order:POST /orders')?.kind, 'command');
    assert.equal(node('cmd:order:POST /orders')?.detail, 'customer');
    assert.equal(node('cmd:payment:POST /payments')?.detail, 'admin', 'roles [] = only admin');
    assert.equal(node('cmd:order:GET /orders'), undefined, 'reads are not commands');
    assert.equal(node('view:view:/statusViews')?.kind, 'readmodel');
    assert.equal(node('evt:Ordered')?.parent, 'svc:order', 'an event sits in its publisher');
    assert.equal(node('evt:Refunded')?.parent, 'svc:payment');
    assert.equal(node('evt:Shipped')?.parent, undefined, 'handled but never published: outside');
    const edges = edgeIds(board);
    assert.ok(edges.includes('emits cmd:order:POST /orders -> evt:Ordered'));
    assert.ok(edges.includes('emits cmd:order:DELETE /orders/:id -> evt:OrderCancelled'));
    assert.ok(edges.includes('triggers evt:OrderCancelled -> pol:payment:OrderCancelled'));
    assert.ok(edges.includes('emits pol:payment:OrderCancelled -> evt:Refunded'));
    assert.ok(edges.includes('calls svc:order -> svc:payment'));
    // The view's five quiet policies are one sticky that updates its read model.
    assert.ok(edges.includes('triggers evt:Paid -> pol:view:*'));
    assert.ok(edges.includes('updates pol:view:* -> view:view:/statusViews'));
    // Every edge joins two nodes that exist.
    const ids = new Set(board.nodes.map((n) => n.id));
    for (const e of board.edges) assert.ok(ids.has(e.from) && ids.has(e.to), e.id);
  });

  it('without descriptions yet, draws the declared prefixes as commands', () => {
    const board = buildBoard(shop, new Map(), emptyTopology());
    assert.ok(board.nodes.some((n) => n.id === 'cmd:order:/orders'));
    assert.ok(board.nodes.some((n) => n.id === 'view:view:/statusViews'));
  });

  it('names the command that recorded an event when nothing better is known', () => {
    const commands = [
      'cmd:om:POST /ordermanagements/:id/accept',
      'cmd:om:POST /ordermanagements/:id/decorate',
      'cmd:om:PATCH /ordermanagements/:id',
    ];
    assert.equal(commandNamed(commands, 'OrderAccepted'), commands[0]);
    assert.equal(commandNamed(commands, 'Decorated'), commands[1]);
    const order = ['cmd:order:POST /orders', 'cmd:order:DELETE /orders/:id'];
    assert.equal(commandNamed(order, 'Ordered'), order[0]);
    assert.equal(commandNamed(order, 'OrderCancelled'), order[1]);
    assert.equal(commandNamed(order, 'PaymentCompensationRequested'), undefined);
    // Unknown: a service's own "commands" sticky takes it.
    const topology = emptyTopology();
    topology.commandEmits.order = ['PaymentCompensationRequested'];
    topology.publishers.PaymentCompensationRequested = ['order'];
    const board = buildBoard(shop, described, topology);
    assert.ok(edgeIds(board).includes('emits cmd:order:* -> evt:PaymentCompensationRequested'));
  });

  it('learns from the bus who published what, and reactions from timing when a service does not say', () => {
    const topology = emptyTopology();
    const handles = (s: string) => described.get(s)?.handles;
    const cancelled = event('OrderCancelled', 'order', 1000);
    learn(topology, cancelled, [], handles);
    const refunded = event('Refunded', 'payment', 1100);
    assert.equal(learn(topology, refunded, [cancelled], handles), true);
    assert.deepEqual(topology.publishers, { OrderCancelled: ['order'], Refunded: ['payment'] });
    assert.deepEqual(topology.reactions, { 'payment OrderCancelled': ['Refunded'] });
    assert.deepEqual(topology.commandEmits, { order: ['OrderCancelled'] });
    // Long after the event it handles: a command's, not the policy's.
    learn(topology, event('Refunded', 'payment', 9000), [cancelled], handles);
    assert.deepEqual((topology.commandEmits as Record<string, string[]>).payment, ['Refunded']);
    assert.equal(
      learn(topology, event('Refunded', 'payment', 9100), [cancelled], handles),
      false,
      'nothing new',
    );
    // A service that says what it recorded: only the publisher is learned from the bus.
    const told = emptyTopology();
    learn(told, refunded, [cancelled], handles, true);
    assert.deepEqual(told.reactions, {});
    assert.deepEqual(told.publishers, { Refunded: ['payment'] });
  });

  it('lays the board out with every node inside its service box', async () => {
    const topology = emptyTopology();
    learnDescribed(topology, 'order', { commands: { 'POST /orders': ['Ordered'] } });
    const laid = await layoutBoard(buildBoard(shop, described, topology));
    assert.ok(laid.width > 200 && laid.height > 100);
    for (const n of laid.nodes) {
      const box = laid.boxes[n.id];
      assert.ok(box, n.id);
      if (!n.parent) continue;
      const parent = laid.boxes[n.parent];
      assert.ok(
        box.x >= parent.x && box.y >= parent.y && box.x + box.width <= parent.x + parent.width + 0.5,
        `${n.id} inside ${n.parent}`,
      );
    }
    for (const e of laid.edges) assert.ok((laid.paths[e.id]?.length ?? 0) >= 2, `${e.id} has a path`);
  });
});

describe('the saga timeline', () => {
  const topology = emptyTopology();
  learnDescribed(topology, 'payment', { reactions: { OrderCancelled: ['Refunded'] } });
  const handles = new Map<string, readonly string[]>([
    ['payment', ['OrderCancelled']],
    ['view', ['Ordered', 'OrderCancelled', 'Refunded']],
    ['order', ['Refunded']],
  ]);
  const ordered = event('Ordered', 'order', 1000, '7');
  const cancelled = event('OrderCancelled', 'order', 2000, '7');
  const refunded = event('Refunded', 'payment', 2050, '7');
  const other = event('Ordered', 'order', 1500, '8');

  it('orders commands, events and every handling in lanes per service, marking compensations and parks', () => {
    const t = buildTimeline({
      system: shop,
      key: '7',
      events: [refunded, ordered, other, cancelled],
      handled: [
        { group: 'view', eventId: ordered.id, handledAt: 1010 },
        { group: 'payment', eventId: cancelled.id, handledAt: 2040 },
        { group: 'view', eventId: cancelled.id, handledAt: 2045 },
        { group: 'order', eventId: refunded.id, handledAt: 2060, retries: 2 },
        { group: 'view', eventId: other.id, handledAt: 1600 },
      ],
      parked: [{ group: 'view', eventId: refunded.id, attempts: 5, error: 'boom', parkedAt: 2500 }],
      handles,
      topology,
      commands: { order: ['POST /orders', 'DELETE /orders/:id'] },
    });
    assert.deepEqual(t.lanes, ['order', 'payment', 'view']);
    assert.equal(t.items[0].label, 'POST /orders recorded Ordered', 'the command named by the event');
    assert.equal(t.items[3].label, 'DELETE /orders/:id recorded OrderCancelled');
    assert.deepEqual(
      t.items.map((i) => `${i.at} ${i.kind} ${i.lane} ${i.type}`),
      [
        '1000 command order Ordered',
        '1000 published order Ordered',
        '1010 handled view Ordered',
        '2000 command order OrderCancelled',
        '2000 published order OrderCancelled',
        '2040 handled payment OrderCancelled',
        '2045 handled view OrderCancelled',
        '2050 published payment Refunded',
        '2060 handled order Refunded',
        '2500 parked view Refunded',
      ],
      'the policy reaction (Refunded) has no command; the other key is left out',
    );
    assert.equal(t.items.find((i) => i.type === 'Refunded' && i.kind === 'published')?.compensation, true);
    assert.equal(t.items.find((i) => i.kind === 'parked')?.attempts, 5);
    const retried = t.items.find((i) => i.kind === 'handled' && i.lane === 'order');
    assert.equal(retried?.attempts, 3, 'handled on the third attempt');
    assert.match(retried?.label ?? '', /after 2 failed attempts/);
    assert.equal(t.start, 1000);
    assert.equal(t.end, 2500);
    assert.match(t.stoppedAt ?? '', /view parked Refunded/);
  });

  it('says where a saga stopped: the handlings still waiting', () => {
    const t = buildTimeline({
      system: shop,
      key: '7',
      events: [ordered, cancelled],
      handled: [{ group: 'view', eventId: ordered.id, handledAt: 1010 }],
      parked: [],
      handles,
      topology,
    });
    const waiting = t.items.filter((i) => i.kind === 'waiting').map((i) => `${i.lane} ${i.type}`);
    assert.deepEqual(waiting.sort(), ['payment OrderCancelled', 'view OrderCancelled']);
    assert.match(t.stoppedAt ?? '', /payment waits on OrderCancelled/);
  });

  it('has nothing for a key never seen', () => {
    const t = buildTimeline({
      system: shop,
      key: 'nope',
      events: [ordered],
      handled: [],
      parked: [],
      handles,
      topology,
    });
    assert.deepEqual(t.items, []);
    assert.equal(t.stoppedAt, null);
  });

  it('knows compensations by name', () => {
    for (const type of ['OrderCancelled', 'PaymentRefunded', 'PaymentCompensationRequested', 'OrderRejected'])
      assert.ok(isCompensation(type), type);
    for (const type of ['Ordered', 'Paid', 'DeliveryStarted']) assert.ok(!isCompensation(type), type);
  });
});
