// npm run bench:bus — end-to-end events/s and commit→handle lag of the event bus.
// One producer process → one consumer-group process, durable log. Last line: one JSON object.
//   --engine E     embedded (default), kafka, nats, a comma list, or all: side by side in one run.
//                  Kafka and NATS are the engine tier's servers (engines/README.md): started here
//                  if they are not running (and stopped again at the end), URLs from
//                  ENGINE_KAFKA_URL / ENGINE_NATS_URL.
//   --events N     events for the throughput phase (default 200000 embedded, 50000 kafka, 20000 nats)
//   --seconds S    duration of the fixed-rate lag phase (default 10)
//   --idle S       seconds to sample ten idle consumer processes' CPU (default 10; 0 skips it)
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { bundle } from '@bounded/bundle';
import type { EventBus, EventMessage } from '@bounded/bus';
import { openBus } from '@bounded/kernel';

const { values: args } = parseArgs({
  options: {
    role: { type: 'string' },
    dir: { type: 'string' },
    topic: { type: 'string', default: 'bench' },
    group: { type: 'string', default: 'bench' },
    events: { type: 'string' },
    seconds: { type: 'string', default: '10' },
    idle: { type: 'string', default: '10' },
    engine: { type: 'string', default: 'embedded' },
    types: { type: 'string' },
  },
});

type Engine = 'embedded' | 'kafka' | 'nats';
const ENGINES: Record<Engine, { events: number; server?: { url: string; script: string } }> = {
  embedded: { events: 200_000 },
  kafka: {
    events: 50_000,
    server: { url: process.env.ENGINE_KAFKA_URL || 'kafka://127.0.0.1:59092', script: 'engines/kafka.sh' },
  },
  nats: {
    events: 20_000,
    server: { url: process.env.ENGINE_NATS_URL || 'nats://127.0.0.1:54222', script: 'engines/nats.sh' },
  },
};

function openEngine(engine: Engine, dir: string): Promise<EventBus> {
  return openBus(ENGINES[engine].server?.url ?? `embedded:${dir}`, { dataDir: dir });
}

function message(topic: string, seq: number): EventMessage {
  return {
    id: randomUUID(),
    topic,
    key: `order-${seq % 1000}`,
    type: 'Ordered',
    timestamp: Date.now(),
    data: { orderId: seq, itemName: 'roses', qty: 1, itemPrice: 50000, storeName: 'KJSHOP', userName: 'LKJ' },
    source: 'bench',
  };
}

async function producer(engine: Engine, dir: string, topic: string): Promise<void> {
  const bus = await openEngine(engine, dir);
  process.on(
    'message',
    async (
      command: { phase: 'burst'; count: number } | { phase: 'rate'; perSecond: number; seconds: number },
    ) => {
      let seq = 0;
      if (command.phase === 'burst') {
        for (let sent = 0; sent < command.count; sent += 1000) {
          await bus.publish(
            Array.from({ length: Math.min(1000, command.count - sent) }, () => message(topic, seq++)),
          );
        }
      } else {
        // 1,000 events/s as ten events every 10 ms, scheduled against the clock so drift does not add up.
        const start = performance.now();
        const ticks = (command.perSecond / 10) * command.seconds;
        for (let tick = 0; tick < ticks; tick++) {
          const due = start + tick * 10;
          const wait = due - performance.now();
          if (wait > 0) await sleep(wait);
          await bus.publish(Array.from({ length: 10 }, () => message(topic, seq++)));
        }
      }
      process.send!({ done: true });
    },
  );
  process.send!({ ready: true });
}

async function consumer(
  engine: Engine,
  dir: string,
  topic: string,
  group: string,
  types?: string[],
): Promise<void> {
  const bus = await openEngine(engine, dir);
  let count = 0;
  let first = 0;
  let lags: number[] = [];
  const subscription = await bus.subscribe({
    topic,
    group,
    ...(types ? { types } : {}),
    handler: async (event) => {
      const now = Date.now();
      if (count === 0) first = event.appendedAt ?? now;
      count++;
      lags.push(now - (event.appendedAt ?? now));
    },
  });
  process.on('message', (command: { report: boolean; reset?: boolean }) => {
    process.send!({ count, first, last: Date.now(), lags });
    if (command.reset) {
      count = 0;
      lags = [];
    }
  });
  // Ready once the member owns partitions (Kafka and NATS hand them over after joining).
  while (subscription.assigned().length === 0) await sleep(20);
  process.send!({ ready: true });
}

// Children run from a plain-JS bundle, as the runner starts services: no loader thread.
let bundled: string;

function start(
  engine: Engine,
  role: string,
  dir: string,
  topic: string,
  group: string,
  types?: string,
): Promise<ChildProcess> {
  const child = fork(
    bundled,
    [
      ...['--role', role, '--dir', dir, '--topic', topic, '--group', group, '--engine', engine],
      ...(types ? ['--types', types] : []),
    ],
    { execArgv: [] },
  );
  return new Promise((resolve) => child.once('message', () => resolve(child)));
}

function ask<T>(child: ChildProcess, command: object): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (reply) => resolve(reply as T));
    child.send(command);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
    : Number.NaN;
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (1/100 s)
}

async function waitForCount(child: ChildProcess, expected: number) {
  for (;;) {
    const report = await ask<{ count: number; first: number; last: number; lags: number[] }>(child, {
      report: true,
    });
    if (report.count >= expected) return report;
    await sleep(50);
  }
}

interface EngineResult {
  engine: Engine;
  events: number;
  eventsPerSecond: number;
  lagAt1000PerSecond: {
    events: number;
    p50Ms: number;
    p99Ms: number;
    maxMs: number | undefined;
    /** CPU per event of the consumer that handles them, and of one subscribed to other types. */
    cpuPerEventUs: { handling: number; otherTypes: number };
  };
  idleTenConsumersCpuPercent?: number;
}

async function measure(engine: Engine, dir: string): Promise<EngineResult> {
  const events = Number(args.events ?? ENGINES[engine].events);
  const seconds = Number(args.seconds);
  // A topic and groups of their own: Kafka and NATS keep what earlier runs published.
  const run = randomUUID().slice(0, 8);
  const topic = `bench-${run}`;
  const consumerProcess = await start(engine, 'consumer', dir, topic, `bench-${run}`);
  const producerProcess = await start(engine, 'producer', dir, topic, `bench-${run}`);
  await sleep(500);

  console.error(`${engine} throughput: ${events} events…`);
  const started = Date.now();
  await ask(producerProcess, { phase: 'burst', count: events });
  const burst = await waitForCount(consumerProcess, events);
  const eventsPerSecond = Math.round(events / ((burst.last - started) / 1000));
  await ask(consumerProcess, { report: true, reset: true });

  // A second group that handles none of these types, as most services are for most events:
  // what following the topic costs it.
  const bystander = await start(engine, 'consumer', dir, topic, `bench-${run}-other`, 'NotPublished');
  console.error(`${engine} lag: 1000 events/s for ${seconds} s…`);
  const ticksBefore = [consumerProcess, bystander].map((c) => cpuTicks(c.pid!));
  await ask(producerProcess, { phase: 'rate', perSecond: 1000, seconds });
  const rate = await waitForCount(consumerProcess, 1000 * seconds);
  const [handling, otherTypes] = [consumerProcess, bystander].map((c, i) =>
    Math.round(((cpuTicks(c.pid!) - ticksBefore[i]) * 10_000) / (1000 * seconds)),
  );
  const lags = rate.lags.sort((a, b) => a - b);
  for (const child of [producerProcess, consumerProcess, bystander]) child.kill();
  const result: EngineResult = {
    engine,
    events,
    eventsPerSecond,
    lagAt1000PerSecond: {
      events: lags.length,
      p50Ms: percentile(lags, 50),
      p99Ms: percentile(lags, 99),
      maxMs: lags.at(-1),
      cpuPerEventUs: { handling, otherTypes },
    },
  };

  const idleSeconds = Number(args.idle);
  if (idleSeconds > 0) {
    console.error(`${engine} idle: ten consumer processes for ${idleSeconds} s…`);
    // A topic of their own, so they have no backlog to catch up on: only idle cost is measured.
    const idleDir = join(dir, 'idle');
    const idle = await Promise.all(
      Array.from({ length: 10 }, (_, i) => start(engine, 'consumer', idleDir, `${topic}-idle`, `idle-${i}`)),
    );
    await sleep(10_000); // let start-up work (and the GC that follows it) settle: we measure the steady idle state
    const before = idle.map((c) => cpuTicks(c.pid!));
    await sleep(idleSeconds * 1000);
    const after = idle.map((c) => cpuTicks(c.pid!));
    for (const c of idle) c.kill();
    const idleTicks = after.reduce((sum, t, i) => sum + t - before[i], 0);
    result.idleTenConsumersCpuPercent = Number(((idleTicks / 100 / idleSeconds) * 100).toFixed(2));
  }
  return result;
}

function portOpen(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url.split(',')[0]);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Starts the engine's server if nothing answers at its URL; returns how to stop what was started. */
async function ensureServer(engine: Engine): Promise<(() => void) | undefined> {
  const server = ENGINES[engine].server;
  if (!server || (await portOpen(server.url))) return undefined;
  const root = join(import.meta.dirname, '..');
  console.error(`${engine}: nothing at ${server.url}; starting ${server.script}…`);
  if (engine === 'kafka') execFileSync('bash', [server.script, 'install'], { cwd: root, stdio: 'inherit' });
  execFileSync('bash', [server.script, 'start'], { cwd: root, stdio: 'inherit' });
  return () => execFileSync('bash', [server.script, 'stop'], { cwd: root, stdio: 'inherit' });
}

function enginesAsked(): Engine[] {
  const asked = args.engine === 'all' ? Object.keys(ENGINES) : args.engine!.split(',');
  for (const engine of asked) {
    if (!(engine in ENGINES)) throw new Error(`--engine ${engine}: expected embedded, kafka, nats or all`);
  }
  return asked as Engine[];
}

async function main(): Promise<void> {
  const engines = enginesAsked();
  bundled = await bundle(import.meta.filename, 'bench-bus');
  const results: EngineResult[] = [];
  for (const engine of engines) {
    const dir = mkdtempSync(join(tmpdir(), 'bounded-bench-bus-'));
    const stop = await ensureServer(engine);
    try {
      results.push(await measure(engine, dir));
    } finally {
      stop?.();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const targets = { embedded: { eventsPerSecond: 20000, lagP99Ms: 50, idleCpuPercent: 1 } };
  console.log(
    JSON.stringify(
      results.length === 1
        ? { bench: 'bus', ...results[0], targets }
        : { bench: 'bus', engines: results, targets },
    ),
  );
}

const engine = args.engine as Engine;
if (args.role === 'producer') await producer(engine, args.dir!, args.topic!);
else if (args.role === 'consumer')
  await consumer(engine, args.dir!, args.topic!, args.group!, args.types?.split(','));
else await main();
