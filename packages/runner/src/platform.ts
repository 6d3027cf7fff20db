import { join } from 'node:path';
import type { PlatformProcesses } from './launch.ts';
import { gatewayRoutes } from './system-map.ts';

const PACKAGES = join(import.meta.dirname, '..', '..');

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
      env: { AUTH_DEV_USERS: options.devUsers === false ? '0' : '1' },
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
