import type { KafkaBusOptions } from './bus.ts';

/**
 * `kafka://host:port[,host:port…][?partitions=8&sessionTimeoutMs=10000&clientId=…]` → options.
 * Numeric query parameters are any numeric KafkaBusOptions; a port defaults to 9092.
 */
export function parseKafkaUrl(url: string): KafkaBusOptions {
  const match = /^kafka:\/\/([^/?#]+)\/?(?:\?(.*))?$/.exec(url);
  if (!match) throw new Error(`BUS_URL ${url}: expected kafka://host:port[,host:port]`);
  const brokers = match[1]
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean)
    .map((broker) => (/:\d+$/.test(broker) ? broker : `${broker}:9092`));
  const options: Record<string, unknown> = { brokers };
  for (const [name, value] of new URLSearchParams(match[2] ?? '')) {
    if (name === 'clientId') options.clientId = value;
    else if (NUMERIC.has(name) && /^-?\d+$/.test(value)) options[name] = Number(value);
    else throw new Error(`BUS_URL ${url}: unknown or bad parameter ${name}`);
  }
  return options as unknown as KafkaBusOptions;
}

const NUMERIC = new Set([
  'partitions',
  'replicationFactor',
  'sessionTimeoutMs',
  'heartbeatIntervalMs',
  'rebalanceTimeoutMs',
  'fetchMaxWaitMs',
  'commitIntervalMs',
  'maxBufferedPerPartition',
]);
