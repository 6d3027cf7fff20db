/**
 * A system's map, declared once in systems/<system>/system.ts and read by the runner (which
 * processes to start, on which ports) and the gateway (which path goes to which service, and
 * who may call it) — the seeds' `spring.cloud.gateway.routes` plus their Kubernetes manifests.
 */
export interface SystemMap {
  /** System name = event topic = JWT audience. */
  readonly name: string;
  /** The gateway's port; services take base+1, base+2 … in the order listed. */
  readonly basePort: number;
  readonly services: readonly ServiceSpec[];
}

export interface ServiceSpec {
  readonly name: string;
  /** Absolute path of the service's process entry (its main.ts). */
  readonly entry: string;
  /** Path prefixes the gateway forwards to this service (`/orders` matches `/orders/1`). */
  readonly routes?: readonly RouteSpec[];
  /** Services this one calls synchronously: each is given to it as `<NAME>_URL`. */
  readonly calls?: readonly string[];
  /** Extra environment for every instance. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface RouteSpec {
  readonly prefix: string;
  /** Roles allowed per HTTP method (`*` for any); absent = any authenticated caller. */
  readonly roles?: Readonly<Record<string, readonly string[]>>;
}

/** The port of a service's first instance: base+1 for the first service listed, and so on. */
export function servicePort(system: SystemMap, service: string): number {
  const index = system.services.findIndex((s) => s.name === service);
  if (index < 0) throw new Error(`${system.name} has no service ${service}`);
  return system.basePort + 1 + index;
}

/**
 * Ports a test or chaos run gives the platform's processes from the system's own block, between
 * its services (basePort + 1 …) and its replicas (basePort + 50 …): a port asked of the OS
 * (`freePort()`) is free only when asked, and another test asking a moment later may be handed
 * the same one (seen: a gateway's auth port answered by another test's service, 404).
 */
export function platformPortsOf(system: SystemMap): { control: number; auth: number; broker: number } {
  return { control: system.basePort + 47, auth: system.basePort + 48, broker: system.basePort + 49 };
}

/** Replicas beyond the first live in the upper half of the system's block of 100 ports. */
export function replicaPortRange(system: SystemMap): { from: number; to: number } {
  return { from: system.basePort + 50, to: system.basePort + 99 };
}

export function envNameOf(service: string): string {
  return `${service.replace(/[^a-zA-Z0-9]/g, '_').toUpperCase()}_URL`;
}

/** The gateway's routes of a system: each service's prefixes, with the service they go to. */
export function gatewayRoutes(system: SystemMap): Array<RouteSpec & { service: string }> {
  return system.services.flatMap((service) =>
    (service.routes ?? []).map((route) => ({ ...route, service: service.name })),
  );
}
