/**
 * The system map as an event-storming board, built from what is declared (the system map's
 * services, routes and sync calls; each service's routes and handled types from the kernel)
 * and what was seen (who published which event, which policy emitted what). Pure.
 */
import type {
  Board,
  BoardEdge,
  BoardNode,
  ConsoleEvent,
  ServiceDescription,
  SystemDeclaration,
  Topology,
} from './model.ts';

const add = (list: Record<string, string[]>, key: string, value: string): boolean => {
  if (!list[key]) list[key] = [];
  const values = list[key];
  if (values.includes(value)) return false;
  values.push(value);
  return true;
};

/** A policy's events follow the event it handled within this long; later ones were commands. */
export const REACTION_WINDOW_MS = 1500;

/** Takes what a service said its policies and commands recorded. True when the topology changed. */
export function learnDescribed(
  topology: Topology,
  service: string,
  described: Pick<ServiceDescription, 'reactions' | 'commands'>,
): boolean {
  let changed = false;
  for (const [type, emitted] of Object.entries(described.reactions ?? {}))
    for (const e of emitted) changed = add(topology.reactions, `${service} ${type}`, e) || changed;
  for (const [route, emitted] of Object.entries(described.commands ?? {})) {
    for (const e of emitted) {
      changed = add(topology.commandEmits, service, e) || changed;
      if (route) {
        if (!topology.routeEmits) topology.routeEmits = {};
        changed = add(topology.routeEmits, `${service}:${route}`, e) || changed;
      }
    }
  }
  return changed;
}

/**
 * Learns from one event: its publisher, and whether it was a policy's reaction (the same key's
 * latest earlier event, within the window, is of a type its publisher handles) or a command's.
 * `previous` are the same key's earlier events, newest last. True when the topology changed.
 */
export function learn(
  topology: Topology,
  event: Pick<ConsoleEvent, 'type' | 'source' | 'at'>,
  previous: ReadonlyArray<Pick<ConsoleEvent, 'type' | 'at'>>,
  handlesOf: (service: string) => readonly string[] | undefined,
  /** The publisher says itself what its policies and commands recorded: learn only who published. */
  told = false,
): boolean {
  const source = event.source;
  if (!source) return false;
  let changed = add(topology.publishers, event.type, source);
  if (told) return changed;
  const handles = handlesOf(source) ?? [];
  let cause: string | undefined;
  for (let i = previous.length - 1; i >= 0; i--) {
    const before = previous[i];
    if (event.at - before.at > REACTION_WINDOW_MS) break;
    if (handles.includes(before.type)) {
      cause = before.type;
      break;
    }
  }
  if (cause) changed = add(topology.reactions, `${source} ${cause}`, event.type) || changed;
  else changed = add(topology.commandEmits, source, event.type) || changed;
  return changed;
}

const READ_METHODS = new Set(['GET', 'HEAD']);

/** Route prefixes a caller can only read through the gateway: the read models. */
function readOnlyPrefixes(service: SystemDeclaration['services'][number]): string[] {
  return (service.routes ?? [])
    .filter(
      (r) =>
        r.roles && Object.keys(r.roles).length > 0 && Object.keys(r.roles).every((m) => READ_METHODS.has(m)),
    )
    .map((r) => r.prefix);
}

function rolesLabel(roles: Readonly<Record<string, readonly string[]>> | undefined, method: string): string {
  if (!roles) return 'any signed-in user';
  const rule = roles[method] ?? roles['*'];
  if (rule === undefined) return 'any signed-in user';
  return rule.length === 0 ? 'admin' : rule.join(', ');
}

const under = (url: string, prefix: string) => url === prefix || url.startsWith(`${prefix}/`);

/** The stem of a command's last literal path segment: `/orders/:id/accept` → `accept`. */
function stemOf(commandId: string): string {
  const [method, url] = commandId.slice(commandId.indexOf(':', 4) + 1).split(' ');
  const literal =
    (url ?? '')
      .split('/')
      .filter((s) => s && !s.startsWith(':'))
      .pop() ?? '';
  if (method === 'DELETE') return 'cancel';
  return literal
    .toLowerCase()
    .replace(/(ies|es|s)$/, (m) => (m === 'ies' ? 'y' : ''))
    .replace(/e$/, '');
}

/**
 * Which of a service's commands recorded an event type, going by names when nothing better was
 * seen: `POST …/accept` → OrderAccepted, `POST /orders` → Ordered, `DELETE` → …Cancelled.
 */
export function commandNamed(commands: readonly string[], type: string): string | undefined {
  const lower = type.toLowerCase();
  const matches = commands
    .map((c) => ({ c, stem: stemOf(c) }))
    .filter(({ stem }) => stem.length >= 3 && lower.includes(stem));
  if (matches.length === 0) return undefined;
  // Event names end in their verb (OrderCancelled, DeliveryStarted): the stem found latest wins.
  matches.sort(
    (a, b) => lower.lastIndexOf(b.stem) - lower.lastIndexOf(a.stem) || b.stem.length - a.stem.length,
  );
  return matches[0].c;
}

export function buildBoard(
  system: SystemDeclaration,
  described: ReadonlyMap<string, Pick<ServiceDescription, 'handles' | 'publishes' | 'routes'>>,
  topology: Topology,
): Board {
  const nodes: BoardNode[] = [];
  const edges: BoardEdge[] = [];
  const ids = new Set<string>();
  const node = (n: BoardNode) => {
    if (ids.has(n.id)) return;
    ids.add(n.id);
    nodes.push(n);
  };
  const edge = (e: Omit<BoardEdge, 'id'>) => {
    const id = `${e.kind}:${e.from}->${e.to}`;
    if (ids.has(id) || !ids.has(e.from) || !ids.has(e.to)) return;
    ids.add(id);
    edges.push({ id, ...e });
  };
  const services = new Set(system.services.map((s) => s.name));

  // Who publishes each type: what the services said they recorded, and what the bus showed.
  const publishers: Record<string, string[]> = {};
  for (const [type, list] of Object.entries(topology.publishers))
    for (const s of list) add(publishers, type, s);
  for (const [service, d] of described) for (const type of d.publishes) add(publishers, type, service);
  const handlers: Record<string, string[]> = {};
  for (const [service, d] of described) for (const type of d.handles) add(handlers, type, service);
  const types = [...new Set([...Object.keys(publishers), ...Object.keys(handlers)])].sort();

  const commandsOf = new Map<string, string[]>();
  for (const service of system.services) {
    const box = `svc:${service.name}`;
    node({ id: box, kind: 'service', label: service.name, ref: service.name });
    const views = readOnlyPrefixes(service);
    const routes = described.get(service.name)?.routes;
    const commands: string[] = [];
    for (const route of service.routes ?? []) {
      if (views.includes(route.prefix)) {
        const id = `view:${service.name}:${route.prefix}`;
        node({
          id,
          kind: 'readmodel',
          label: route.prefix,
          detail: rolesLabel(route.roles, 'GET'),
          parent: box,
        });
        continue;
      }
      const writes = routes?.filter((r) => !READ_METHODS.has(r.method) && under(r.url, route.prefix));
      if (routes && writes && writes.length > 0) {
        for (const r of writes) {
          const id = `cmd:${service.name}:${r.method} ${r.url}`;
          node({
            id,
            kind: 'command',
            label: `${r.method} ${r.url}`,
            detail: rolesLabel(route.roles, r.method),
            parent: box,
          });
          commands.push(id);
        }
      } else if (!routes) {
        const id = `cmd:${service.name}:${route.prefix}`;
        node({
          id,
          kind: 'command',
          label: route.prefix,
          detail: rolesLabel(route.roles, 'POST'),
          parent: box,
        });
        commands.push(id);
      } else {
        // Only reads at this prefix: a resource list (not a read model of events, but read-only).
        const id = `view:${service.name}:${route.prefix}`;
        node({
          id,
          kind: 'readmodel',
          label: route.prefix,
          detail: rolesLabel(route.roles, 'GET'),
          parent: box,
        });
      }
    }
    commandsOf.set(service.name, commands);
  }

  // Events sit in their (first) publisher's box; a type nobody published yet floats outside.
  for (const type of types) {
    const owner = publishers[type]?.find((s) => services.has(s));
    node({
      id: `evt:${type}`,
      kind: 'event',
      label: type,
      ref: type,
      parent: owner ? `svc:${owner}` : undefined,
    });
  }
  for (const service of system.services) {
    const emitted = topology.commandEmits[service.name] ?? [];
    const commands = commandsOf.get(service.name) ?? [];
    for (const type of emitted) {
      const learned = commands.find((c) => topology.routeEmits?.[c.slice(4)]?.includes(type));
      let from = learned ?? (commands.length === 1 ? commands[0] : commandNamed(commands, type));
      if (!from) {
        // Several commands (or none through the gateway) and no name to go by: which one is not known.
        from = `cmd:${service.name}:*`;
        node({
          id: from,
          kind: 'command',
          label: `${service.name} commands`,
          detail: 'request or sync call',
          parent: `svc:${service.name}`,
        });
      }
      edge({ kind: 'emits', from, to: `evt:${type}`, ref: type });
    }
  }
  for (const group of system.services.map((s) => s.name)) {
    const handled = types.filter((type) => handlers[type]?.includes(group));
    const views = nodes.filter((n) => n.kind === 'readmodel' && n.parent === `svc:${group}`);
    // Policies that only keep read models up to date are one sticky (a view follows many events).
    const quiet = handled.filter((type) => (topology.reactions[`${group} ${type}`] ?? []).length === 0);
    const together = views.length > 0 && quiet.length > 3;
    if (together) {
      const policy = `pol:${group}:*`;
      node({
        id: policy,
        kind: 'policy',
        label: `on ${quiet.length} events`,
        detail: `${group}: update views`,
        parent: `svc:${group}`,
      });
      for (const type of quiet) edge({ kind: 'triggers', from: `evt:${type}`, to: policy, ref: type });
      for (const view of views) edge({ kind: 'updates', from: policy, to: view.id });
    }
    for (const type of handled) {
      const reactions = topology.reactions[`${group} ${type}`] ?? [];
      if (together && reactions.length === 0) continue;
      const policy = `pol:${group}:${type}`;
      node({ id: policy, kind: 'policy', label: `on ${type}`, detail: group, parent: `svc:${group}` });
      edge({ kind: 'triggers', from: `evt:${type}`, to: policy, ref: type });
      for (const emitted of reactions)
        edge({ kind: 'emits', from: policy, to: `evt:${emitted}`, ref: emitted });
      if (reactions.length === 0)
        for (const view of views) edge({ kind: 'updates', from: policy, to: view.id, ref: type });
    }
  }
  for (const service of system.services)
    for (const callee of service.calls ?? [])
      edge({ kind: 'calls', from: `svc:${service.name}`, to: `svc:${callee}`, ref: callee, label: 'sync' });
  return { system: system.name, nodes, edges };
}
