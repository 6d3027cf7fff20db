import { resolve } from 'node:path';
import { createEmbeddedBus, type EmbeddedBusOptions } from './embedded/bus.ts';
import type { EventBus } from './port.ts';

/**
 * Opens the engine named by BUS_URL: `embedded:<dir>` (or nothing: `<dataDir>/bus`).
 * Kafka and NATS adapters plug in here with their own URL schemes.
 */
export async function openBus(
  url: string | undefined,
  defaults: { dataDir: string } & Partial<EmbeddedBusOptions>,
): Promise<EventBus> {
  if (!url || url === 'embedded')
    return createEmbeddedBus({ ...defaults, dir: resolve(defaults.dataDir, 'bus') });
  if (url.startsWith('embedded:'))
    return createEmbeddedBus({ ...defaults, dir: resolve(url.slice('embedded:'.length)) });
  throw new Error(`BUS_URL ${url}: unknown engine (expected embedded:<dir>)`);
}
