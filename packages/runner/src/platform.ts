import { join } from 'node:path';
import type { PlatformProcesses } from './launch.ts';
import { gatewayRoutes } from './system-map.ts';

const PACKAGES = join(import.meta.dirname, '..', '..');

/**
 * Each scrypt hash takes 16 MB, in one of libuv's threads; glibc serves it from that thread's
 * arena and keeps the arena's pages after the free (its mmap threshold rises after the first big
 * free), so auth idled at ~140 MB RSS after hashing the development users. A fixed threshold of
 * 1 MB makes every such buffer its own mapping, returned on free: ~76 MB (bench:startup).
 */
const AUTH_MALLOC = { MALLOC_MMAP_THRESHOLD_: '1048576' } as const;

/**
 * The platform's own processes as the runner starts them: the auth service (with the
 * development users unless told otherwise) and one gateway per system, fed the system's routes
 * and a targets file the runner keeps equal to the ready replicas.
 */
export function platformProcesses(options: { authPort: number; devUsers?: boolean }): PlatformProcesses {
  const authUrl = `http://127.0.0.1:${options.authPort}`;
  return {
    auth: {
      entry: join(PACKAGES, 'auth', 'src', 'main.ts'),
      port: options.authPort,
      env: { AUTH_DEV_USERS: options.devUsers === false ? '0' : '1', ...AUTH_MALLOC },
    },
    gateway: {
      entry: join(PACKAGES, 'gateway', 'src', 'main.ts'),
      env: (system, targetsFile) => ({
        GATEWAY_SYSTEM: system.name,
        GATEWAY_ROUTES: JSON.stringify(gatewayRoutes(system)),
        GATEWAY_TARGETS_FILE: targetsFile,
        AUTH_URL: authUrl,
      }),
    },
  };
}
