// npm run bench:bus — end-to-end events/s and commit→handle lag of the event bus.
// One producer process → one consumer-group process, durable log. Last line: one JSON object.
//   --events N     events for the throughput phase (default 200000)
//   --seconds S    duration of the fixed-rate lag phase (default 10)
//   --idle S       seconds to sample ten idle consumer processes' CPU (default 10)
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createEmbeddedBus, type EventBus, type EventMessage } from '@bounded/bus';
import { bundle } from '../scripts/bundle.ts';

const TOPIC = 'bench';
const { values: args } = parseArgs({
  options: {
    role: { type: 'string' },
    dir: { type: 'string' },
    group: { type: 'string', default: 'bench' },
    events: { type: 'string', default: '200000' },
    seconds: { type: 'string', default: '10' },
    idle: { type: 'string', default: '10' },
    engine: { type: 'string', default: 'embedded' },
  },
});

function openEngine(dir: string): EventBus {
  if (args.engine !== 'embedded')
    throw new Error(`--engine ${args.engine}: only embedded is available so far`);
  return createEmbeddedBus({ dir });
}

function message(seq: number): EventMessage {
  return {
    id: randomUUID(),
    topic: TOPIC,
    key: `order-${seq % 1000}`,
    type: 'Ordered',
    timestamp: Date.now(),
    data: { orderId: seq, itemName: 'roses', qty: 1, itemPrice: 50000, storeName: 'KJSHOP', userName: 'LKJ' },
    source: 'bench',
  };
}

async function producer(dir: string): Promise<void> {
  const bus = openEngine(dir);
  process.on(
    'message',
    async (
      command: { phase: 'burst'; count: number } | { phase: 'rate'; perSecond: number; seconds: number },
    ) => {
      let seq = 0;
      if (command.phase === 'burst') {
        for (let sent = 0; sent < command.count; sent += 1000) {
          await bus.publish(
            Array.from({ length: Math.min(1000, command.count - sent) }, () => message(seq++)),
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
          await bus.publish(Array.from({ length: 10 }, () => message(seq++)));
        }
      }
      process.send!({ done: true });
    },
  );
  process.send!({ ready: true });
}

async function consumer(dir: string, group: string): Promise<void> {
  const bus = openEngine(dir);
  let count = 0;
  let first = 0;
  let lags: number[] = [];
  await bus.subscribe({
    topic: TOPIC,
    group,
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
  process.send!({ ready: true });
}

// Children run from a plain-JS bundle, as the runner starts services: no loader thread.
let bundled: string;

function start(role: string, dir: string, group = 'bench'): Promise<ChildProcess> {
  const child = fork(bundled, ['--role', role, '--dir', dir, '--group', group, '--engine', args.engine!], {
    execArgv: [],
  });
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

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bounded-bench-bus-'));
  bundled = await bundle(import.meta.filename, 'bench-bus');
  const events = Number(args.events);
  const seconds = Number(args.seconds);
  try {
    const consumerProcess = await start('consumer', dir);
    const producerProcess = await start('producer', dir);
    await sleep(1500); // the group member claims its partitions

    console.error(`throughput: ${events} events…`);
    const started = Date.now();
    await ask(producerProcess, { phase: 'burst', count: events });
    const burst = await waitForCount(consumerProcess, events);
    const eventsPerSecond = Math.round(events / ((burst.last - started) / 1000));
    await ask(consumerProcess, { report: true, reset: true });

    console.error(`lag: 1000 events/s for ${seconds} s…`);
    await ask(producerProcess, { phase: 'rate', perSecond: 1000, seconds });
    const rate = await waitForCount(consumerProcess, 1000 * seconds);
    const lags = rate.lags.sort((a, b) => a - b);
    producerProcess.kill();
    consumerProcess.kill();

    const idleSeconds = Number(args.idle);
    console.error(`idle: ten consumer processes for ${idleSeconds} s…`);
    // A log of their own, so they have no backlog to catch up on: only idle cost is measured.
    const idleDir = join(dir, 'idle');
    const idle = await Promise.all(
      Array.from({ length: 10 }, (_, i) => start('consumer', idleDir, `idle-${i}`)),
    );
    await sleep(10_000); // let start-up work (and the GC that follows it) settle: we measure the steady idle state
    const before = idle.map((c) => cpuTicks(c.pid!));
    await sleep(idleSeconds * 1000);
    const after = idle.map((c) => cpuTicks(c.pid!));
    for (const c of idle) c.kill();
    const idleTicks = after.reduce((sum, t, i) => sum + t - before[i], 0);
    const idleCpuPercent = Number(((idleTicks / 100 / idleSeconds) * 100).toFixed(2));

    console.log(
      JSON.stringify({
        bench: 'bus',
        engine: args.engine,
        events,
        eventsPerSecond,
        lagAt1000PerSecond: {
          events: lags.length,
          p50Ms: percentile(lags, 50),
          p99Ms: percentile(lags, 99),
          maxMs: lags.at(-1),
        },
        idleTenConsumersCpuPercent: idleCpuPercent,
        targets: { eventsPerSecond: 20000, lagP99Ms: 50, idleCpuPercent: 1 },
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (args.role === 'producer') await producer(args.dir!);
else if (args.role === 'consumer') await consumer(args.dir!, args.group!);
else await main();
