/**
 * The commands of a declared resource that are pure decisions changing only its status field:
 * `POST {path}/:id/{action}` for each, and the Spring-style `PATCH {path}/:id {status}` mapped onto
 * the same actions, each one transaction of load (row locked) → decide → save + events, answering
 * the changed resource (a refusal is a 409, a missing row a 404). The decisions stay the
 * domain's; this only wires them to their rows and routes.
 */
import type { ServiceContext } from '@bounded/kernel';
import type { Kysely } from 'kysely';
import { actionRoutes } from './action-routes.ts';
import type { Decision } from './decision.ts';
import type { OutboxEvent } from './paid-order.ts';
import { decideOnRow, type LoadOptions, statusRowsOf } from './row-command.ts';

// biome-ignore lint/suspicious/noExplicitAny: the service's own tables; names checked by the declaration
type AnyDb = Kysely<any>;

export interface StatusActions<S, E, A extends string> {
  /** The field the actions change. */
  readonly status: keyof S & string;
  /** Each action's pure decision. */
  readonly actions: Readonly<Record<A, (state: S) => Decision<S, E>>>;
  /** The values a PATCH of the status field may set, and the action each one means. */
  readonly actionOfStatus: Readonly<Record<string, A>>;
  toNewEvent(event: E): OutboxEvent;
}

export interface ActionableResource<S> {
  readonly path: string;
  load(db: AnyDb, id: number, options?: LoadOptions): Promise<S | undefined>;
  update(db: AnyDb, id: number, patch: Partial<S>): Promise<void>;
  notFoundError(id: number): Error;
  resource(base: string, row: S): unknown;
}

/** Registers the action routes; answers the command itself (for policies and tests). */
export function statusActions<DB, S, E, A extends string>(
  ctx: Pick<ServiceContext<DB, unknown>, 'app' | 'command'>,
  resource: ActionableResource<S>,
  spec: StatusActions<S, E, A>,
): (id: number, action: A, traceparent?: string) => Promise<S> {
  const rows = statusRowsOf<DB, S, E>(resource, spec.status, (event) => spec.toNewEvent(event));
  const run = (id: number, action: A, traceparent?: string) =>
    decideOnRow(ctx, rows, id, spec.actions[action], traceparent);
  actionRoutes(ctx.app, {
    path: resource.path,
    actions: Object.keys(spec.actions) as A[],
    statusField: spec.status,
    actionOfStatus: spec.actionOfStatus,
    run,
    resource: (base, state) => resource.resource(base, state),
  });
  return run;
}
