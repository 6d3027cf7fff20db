import { after } from 'node:test';
import { busContract } from '@bounded/bus/contract';
import { createKafkaBus, parseKafkaUrl } from '../src/index.ts';
import { deleteTopics } from './fixtures/cleanup.ts';

// Needs the broker of engines/kafka.sh (`engines/kafka.sh start`); fails, never skips, without it.
const url = process.env.ENGINE_KAFKA_URL ?? 'kafka://127.0.0.1:59092';
const made = new Set<string>();

busContract(
  'kafka',
  async () => {
    const bus = await createKafkaBus({
      ...parseKafkaUrl(url),
      // Short sessions and heartbeats so rebalances settle quickly in tests.
      sessionTimeoutMs: 3000,
      heartbeatIntervalMs: 200,
      onError: (error, what) => console.error(`kafka bus (${what}):`, (error as Error).message),
    });
    // Remember the suite's topics (it names them itself) to delete them afterwards.
    return {
      engine: bus.engine,
      publish: (messages) => {
        for (const message of messages) made.add(message.topic);
        return bus.publish(messages);
      },
      subscribe: (options) => {
        made.add(options.topic);
        return bus.subscribe(options);
      },
      close: () => bus.close(),
    };
  },
  { settleMs: 3000 },
);

// Runs after the suite (and its own after hook, which closes the buses).
after(() => deleteTopics(parseKafkaUrl(url).brokers, made));
