import { after } from 'node:test';
import { busContract } from '@bounded/bus/contract';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createNatsBus } from '../src/index.ts';

const servers = process.env.ENGINE_NATS_URL ?? 'nats://127.0.0.1:54222';
const startedAt = Date.now();

// Short leases so a rebalance settles well inside the suite's time-outs.
busContract('nats', () => createNatsBus({ servers, leaseMs: 2000, ackWaitMs: 2000 }), { settleMs: 1500 });

// The engine's store outlives the run: drop the streams this run's contract topics made.
after(async () => {
  const nc = await connect({ servers });
  const jsm = await jetstreamManager(nc);
  for await (const stream of jsm.streams.list()) {
    if (stream.config.name.startsWith('contract-') && Date.parse(stream.created) >= startedAt - 1000)
      await jsm.streams.delete(stream.config.name);
  }
  await nc.close();
});
