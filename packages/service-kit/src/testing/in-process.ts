/**
 * A system's services in the test's own process (no bundles, no child processes): each built
 * from its definition with its own env, started (relay + consumer group), called with
 * app.inject; those that another service calls synchronously also listen on a loopback port.
 * The services share the embedded log when they share DATA_DIR (and have no BUS_URL).
 */
import { type BuiltService, buildService, type ServiceDefinition } from '@bounded/kernel';
import type { TObject } from '@sinclair/typebox';

// biome-ignore lint/suspicious/noExplicitAny: HAL bodies, read field by field in assertions
type Json = any;

export interface InProcessService {
  readonly service: BuiltService<unknown>;
  /** `http://127.0.0.1:<port>` when started with `listen`. */
  readonly url?: string;
  /** One HTTP call through app.inject: status and JSON body (undefined when empty). */
  call(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body?: object,
  ): Promise<{ status: number; body: Json }>;
  close(): Promise<void>;
}

export async function startInProcess<DB, C extends TObject>(
  definition: ServiceDefinition<DB, C>,
  env: Record<string, string>,
  options: { listen?: boolean } = {},
): Promise<InProcessService> {
  const service = await buildService(definition, { LOG_LEVEL: 'silent', ...env });
  let url: string | undefined;
  try {
    await service.start();
    if (options.listen) {
      await service.app.listen({ host: '127.0.0.1', port: 0 });
      const address = service.app.server.address();
      if (address === null || typeof address === 'string') throw new Error('no TCP address');
      url = `http://127.0.0.1:${address.port}`;
    }
  } catch (error) {
    await service.close();
    throw error;
  }
  return {
    service: service as BuiltService<unknown>,
    url,
    async call(method, path, body) {
      const res = await service.app.inject({ method, url: path, payload: body });
      return { status: res.statusCode, body: res.body ? res.json() : undefined };
    },
    close: () => service.close(),
  };
}
