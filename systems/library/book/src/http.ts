/**
 * The book's routes: staff register and retire books; anyone signed in (members too) browses
 * the catalogue (the gateway's rules in system.ts), read through the declared resource.
 */
import { currentTraceparent } from '@bounded/kernel';
import { baseUrlOf } from '@bounded/rest';
import { actionRoutes, hal, resourceRoutes } from '@bounded/service-kit';
import { registerBookCommand } from './commands/register-book.ts';
import { retireBookCommand } from './commands/retire-book.ts';
import type { BookContext } from './config.ts';
import type { Book } from './domain/book.ts';
import { books } from './tables.ts';

export function bookRoutes(ctx: BookContext): void {
  const { app } = ctx;
  const resource = (base: string, book: Book) => books.resource(base, book);

  app.post('/books', { schema: { body: books.createBody } }, async (request, reply) => {
    const { title } = books.pickCreate(request.body as Record<string, unknown>);
    const book = await registerBookCommand(ctx, title, currentTraceparent(request));
    const body = resource(baseUrlOf(request), book);
    return hal(reply, 201, body, (body._links as { self: { href: string } }).self.href);
  });

  actionRoutes(app, {
    path: '/books',
    actions: ['retire'],
    statusField: 'bookStatus',
    actionOfStatus: { retired: 'retire' },
    run: (id, _action, traceparent) => retireBookCommand(ctx, id, traceparent),
    resource,
  });

  resourceRoutes(app, ctx.store.db, books);
}
