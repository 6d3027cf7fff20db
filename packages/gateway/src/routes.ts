/** Path-prefix routing and per-method role rules, like spring.cloud.gateway.routes with a role check. */
import { ADMIN_ROLE } from './identity.ts';

export interface RouteConfig {
  /** '/orders' matches /orders, /orders/1 and /orders?x, but not /ordersX. '/' matches everything. */
  prefix: string;
  /** The service whose replicas (targets) get the request. */
  service: string;
  /**
   * Roles allowed per HTTP method ('GET', 'POST', … or '*' for the others). A method with no rule
   * (and no '*') is open to any authenticated caller; HEAD follows GET. Role admin passes everything.
   */
  roles?: Record<string, string[]>;
}

export interface RouteTable {
  match(path: string): RouteConfig | undefined;
}

export function createRouteTable(routes: RouteConfig[]): RouteTable {
  const compiled = routes
    .map((r) => {
      if (!r.prefix.startsWith('/')) throw new Error(`route prefix must start with '/': ${r.prefix}`);
      return { route: r, prefix: r.prefix === '/' ? '' : r.prefix.replace(/\/+$/, '') };
    })
    .sort((a, b) => b.prefix.length - a.prefix.length); // the longest prefix wins
  return {
    match(path) {
      for (const { route, prefix } of compiled) {
        if (prefix === '' || path === prefix || path.startsWith(`${prefix}/`)) return route;
      }
      return undefined;
    },
  };
}

/** The roles a method of the route needs (besides admin), or undefined when any caller may. */
export function rolesFor(route: RouteConfig, method: string): string[] | undefined {
  if (!route.roles) return undefined;
  return route.roles[method] ?? (method === 'HEAD' ? route.roles.GET : undefined) ?? route.roles['*'];
}

export function isAllowed(route: RouteConfig, method: string, roles: string[]): boolean {
  if (roles.includes(ADMIN_ROLE)) return true;
  const rule = rolesFor(route, method);
  return rule === undefined || rule.some((r) => roles.includes(r));
}
