/**
 * The book's routes: staff register and retire books; anyone signed in (members too) browses
 * the catalogue (the gateway's rules in system.ts), read through the declared resource.
 */
import { currentTraceparent } from '@bounded/kernel';
import { baseUrlOf } from '@bounded/rest';
import { actionRoutes, callerOf, hal, resourceRoutes } from '@bounded/service-kit';
import { registerBookCommand } from './commands/register-book.ts';
import { retireBookCommand } from './commands/retire-book.ts';
import type { BookContext } from './config.ts';
import type { Book } from './domain/book.ts';
import { books } from './tables.ts';

/**
 * The seed's Book spelled the rental's id `rendtalId`: a query (`GET /books?rendtalId=3`) or body
 * that uses that spelling is read as `rentalId`. Answers always say `rentalId`.
 */
function acceptSeedSpelling(fields: Record<string, unknown> | undefined): void {
  if (fields && fields.rendtalId !== undefined && fields.rentalId === undefined) {
    fields.rentalId = fields.rendtalId;
  }
  if (fields) delete fields.rendtalId;
}

/** Who holds a book is the staff's to see: a member browsing the catalogue sees only its status. */
const HOLDER_FIELDS = ['memberId', 'rentalId'] as const;

// TODO(resource): fields visible per role; until the declaration has it, a hook strips them.
function withoutHolder(payload: unknown): unknown {
  if (!payload || typeof payload !== 'object') return payload;
  const body = payload as Record<string, unknown> & {
    _embedded?: { books?: Array<Record<string, unknown>> };
  };
  const strip = (book: Record<string, unknown>) => {
    for (const field of HOLDER_FIELDS) delete book[field];
  };
  if (body._embedded?.books) body._embedded.books.forEach(strip);
  else if ('bookStatus' in body) strip(body);
  return body;
}

const isMember = (request: Parameters<typeof callerOf>[0]): boolean => {
  const caller = callerOf(request);
  return caller.kind === 'user' && !caller.isAdmin && !caller.roles?.includes('staff');
};

export function bookRoutes(ctx: BookContext): void {
  const { app } = ctx;
  app.addHook('preSerialization', async (request, _reply, payload) =>
    isMember(request) ? withoutHolder(payload) : payload,
  );
  app.addHook('preValidation', async (request) => {
    acceptSeedSpelling(request.query as Record<string, unknown> | undefined);
    if (request.body && typeof request.body === 'object')
      acceptSeedSpelling(request.body as Record<string, unknown>);
  });
  // Nor may a member find out by filtering what another holds: a valid holder filter of theirs is
  // ignored (after validation, so a malformed one is still a 400 like anyone's).
  app.addHook('preHandler', async (request) => {
    const query = request.query as Record<string, unknown> | undefined;
    if (query && isMember(request)) for (const field of HOLDER_FIELDS) delete query[field];
  });
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
