import { resolve } from 'node:path';
import { createEmbeddedBus, type EmbeddedBusOptions, type EventBus } from '@bounded/bus';

/**
 * Choosing the engine is composition, so it lives here above the port: `@bounded/bus` knows no adapter.
 * Opens the engine named by BUS_URL: `embedded:<dir>` (or nothing: `<dataDir>/bus`), or
 * `kafka://host:port[,host:port][?partitions=8&sessionTimeoutMs=…]`, or
 * `nats://host:port[,host:port][?partitions=8&leaseMs=…]` (JetStream).
 * The Kafka and NATS adapters are imported only when asked for, so the embedded path never loads their clients.
 */
export async function openBus(
  url: string | undefined,
  defaults: {
    dataDir: string;
    clientId?: string;
    /** Told about client-side errors an engine recovers from by itself (Kafka: fetch, commit, rejoin). */
    onError?: (error: unknown, what: string) => void;
  } & Partial<EmbeddedBusOptions>,
): Promise<EventBus> {
  const { onError: _recovered, ...embedded } = defaults;
  if (!url || url === 'embedded')
    return createEmbeddedBus({ ...embedded, dir: resolve(defaults.dataDir, 'bus') });
  if (url.startsWith('embedded:'))
    return createEmbeddedBus({ ...embedded, dir: resolve(url.slice('embedded:'.length)) });
  if (url.startsWith('kafka://')) {
    // A literal specifier: esbuild bundles the adapter, wrapped so it is evaluated only here.
    const { createKafkaBus, parseKafkaUrl } = await import('@bounded/bus-kafka');
    const options = parseKafkaUrl(url);
    return createKafkaBus({
      clientId: defaults.clientId,
      ...options,
      onHandlerError: defaults.onHandlerError,
      onError: defaults.onError,
    });
  }
  if (url.startsWith('nats://')) {
    // A literal specifier, as for Kafka: bundled, and loaded only when NATS is asked for.
    const { createNatsBus, parseNatsUrl } = await import('@bounded/bus-nats');
    return createNatsBus({
      name: defaults.clientId,
      ...parseNatsUrl(url),
      onHandlerError: defaults.onHandlerError,
    });
  }
  throw new Error(
    `BUS_URL ${url}: unknown engine (expected embedded:<dir>, kafka://host:port or nats://host:port)`,
  );
}
