/**
 * The routes of an aggregate whose commands are named actions: `POST {path}/:id/{action}` for
 * each, and the Spring-style `PATCH {path}/:id {status}` mapped onto the same actions (the
 * system's map says which status means which action), each answering the changed resource.
 */
import { type App, currentTraceparent } from '@bounded/kernel';
import { baseUrlOf } from '@bounded/rest';
import { type TSchema, Type } from '@sinclair/typebox';
import { hal, IdParams } from './http.ts';

export interface ActionRoutes<A extends string, S> {
  readonly path: string;
  readonly actions: readonly A[];
  /** The status field a PATCH may set, and the action each allowed value means. */
  readonly statusField: string;
  readonly actionOfStatus: Readonly<Record<string, A>>;
  run(id: number, action: A, traceparent?: string): Promise<S>;
  resource(base: string, state: S): unknown;
}

export function actionRoutes<A extends string, S>(app: App, routes: ActionRoutes<A, S>): void {
  const { path } = routes;
  for (const action of routes.actions) {
    app.post(`${path}/:id/${action}`, { schema: { params: IdParams } }, async (request, reply) => {
      const { id } = request.params as { id: number };
      const state = await routes.run(id, action, currentTraceparent(request));
      return hal(reply, 200, routes.resource(baseUrlOf(request), state));
    });
  }

  const statuses = Object.keys(routes.actionOfStatus).map((s) => Type.Literal(s));
  const PatchBody: TSchema = Type.Object({ [routes.statusField]: Type.Union(statuses) });
  app.patch(`${path}/:id`, { schema: { params: IdParams, body: PatchBody } }, async (request, reply) => {
    const { id } = request.params as { id: number };
    const status = (request.body as Record<string, string>)[routes.statusField]!;
    const state = await routes.run(id, routes.actionOfStatus[status]!, currentTraceparent(request));
    return hal(reply, 200, routes.resource(baseUrlOf(request), state));
  });
}
