/**
 * Where a service's sync calls go: the callee's first instance in the same system, unless the
 * environment the runner was started with names another place for it — so one service of a
 * system can be an external one (a generated Java payment behind our order):
 *   FLOWERDELIVERY_PAYMENT_URL=http://127.0.0.1:8082 npm start -- flowerdelivery   (one system)
 *   PAYMENT_URL=http://127.0.0.1:8082 npm start -- flowerdelivery                  (any system)
 * `npx bounded status` lists every call target and where it came from.
 */
import { envNameOf, type ServiceSpec, type SystemMap, servicePort } from './system-map.ts';

export interface CallTarget {
  /** The caller, `<system>/<service>`. */
  readonly from: string;
  readonly callee: string;
  /** The variable the caller reads (`PAYMENT_URL`). */
  readonly env: string;
  readonly url: string;
  /** Where the url came from: the runner, or the variable that overrode it. */
  readonly source: 'runner' | string;
}

export function callTargets(
  system: SystemMap,
  service: ServiceSpec,
  env: Readonly<Record<string, string | undefined>> = process.env,
): CallTarget[] {
  return (service.calls ?? []).map((callee) => {
    const name = envNameOf(callee);
    const qualified = `${system.name.replace(/[^a-zA-Z0-9]/g, '_').toUpperCase()}_${name}`;
    const from = `${system.name}/${service.name}`;
    for (const variable of [qualified, name]) {
      const url = env[variable];
      if (url) return { from, callee, env: name, url, source: variable };
    }
    return {
      from,
      callee,
      env: name,
      url: `http://127.0.0.1:${servicePort(system, callee)}`,
      source: 'runner',
    };
  });
}
