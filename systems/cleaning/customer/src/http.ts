/**
 * The customer's read side: their requests' history (`/cleaningHistories`) and the messages they
 * were sent (`/notifications`, newest first). Through the gateway a customer sees only their
 * own rows (another's answers 404 like a missing one); a direct loopback call sees all.
 */
import { baseUrlOf, halCollection } from '@bounded/rest';
import { callerOf, hal, listPage, resourceRoutes } from '@bounded/service-kit';
import type { CustomerContext } from './config.ts';
import { histories, type NotificationRow, notifications } from './tables.ts';

export function customerRoutes(ctx: CustomerContext): void {
  const { app } = ctx;
  resourceRoutes(app, ctx.store.db, histories);

  app.get(
    notifications.path,
    { schema: { querystring: notifications.listQuery } },
    async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      // Newest first unless the client asks for another order.
      const page = await listPage(
        ctx.store.db,
        notifications,
        { sort: 'id,desc', ...query },
        callerOf(request),
      );
      const base = baseUrlOf(request);
      const items = page.rows.map((row) => notifications.resource(base, row as NotificationRow));
      return hal(
        reply,
        200,
        halCollection(base, notifications.path, notifications.plural, items, page.page, { sort: page.sort }),
      );
    },
  );
  resourceRoutes(app, ctx.store.db, notifications, { list: false });
}
