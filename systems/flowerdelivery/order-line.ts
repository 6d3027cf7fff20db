/** The fields of an order line as every flowerdelivery service stores it (see events.ts OrderLine). */
import { declareResource, LIMITS, Nullable } from '@bounded/service-kit';
import { dialectOf, type Kysely, type Migration } from '@bounded/store';
import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import { lineFieldsOf } from './events.ts';

export const orderLineFields = {
  itemName: Type.String({ minLength: 1, maxLength: LIMITS.text }),
  qty: Type.Integer({ minimum: 1, maximum: LIMITS.int }),
  itemPrice: Type.Integer({ minimum: 0, maximum: LIMITS.id }),
  storeName: Type.String({ minLength: 1, maxLength: LIMITS.text }),
  userName: Type.String({ minLength: 1, maxLength: LIMITS.text }),
};

/**
 * The order line with the order it belongs to: what a service downstream of the order keeps.
 * itemPrice and userName may be missing from a generated service's DTO (the seed's Paid has
 * neither, its Feign Payment no userName): null until another event of the order tells them.
 */
export const orderCopyFields = {
  orderId: Type.Integer({ minimum: 1, maximum: LIMITS.id }),
  ...orderLineFields,
  itemPrice: Nullable(orderLineFields.itemPrice),
  userName: Nullable(orderLineFields.userName),
};

/** The line fields a copy may hold null, with their SQL types (for relaxNotNull). */
export const NULLABLE_LINE_COLUMNS = { itemPrice: 'bigint', userName: `varchar(${LIMITS.text})` } as const;

/**
 * What one service learned of an order's line from events that came before the one that creates
 * its copy (a generated Ordered ahead of the Paid that lacks userName): kept until the copy exists.
 */
export const knownLines = declareResource({
  table: 'known_order_lines',
  plural: 'knownOrderLines',
  fields: Type.Object({
    orderId: Type.Integer({ minimum: 1, maximum: LIMITS.id }),
    itemName: Nullable(orderLineFields.itemName),
    qty: Nullable(orderLineFields.qty),
    itemPrice: Nullable(orderLineFields.itemPrice),
    storeName: Nullable(orderLineFields.storeName),
    userName: Nullable(orderLineFields.userName),
  }),
  unique: ['orderId'],
});

export type LineFields = ReturnType<typeof lineFieldsOf>;
/** A patch of a copy's gaps: only values, never null. */
export type LinePatch = Partial<{ [K in keyof LineFields]: NonNullable<LineFields[K]> }>;
const LINE_FIELDS = ['itemName', 'qty', 'itemPrice', 'storeName', 'userName'] as const;

/** `a` with its nulls taken from `b`. */
function merged(a: LineFields, b: Partial<LineFields> | undefined): LineFields {
  if (!b) return a;
  const out = { ...a } as Record<string, unknown>;
  for (const f of LINE_FIELDS) if (out[f] === null && b[f] != null) out[f] = b[f];
  return out as LineFields;
}

/** The fields `row` lacks (null) that `line` has: the patch that fills them, empty when none. */
function gaps(row: Readonly<Record<string, unknown>>, line: LineFields): LinePatch {
  const patch: Record<string, unknown> = {};
  for (const f of LINE_FIELDS) if (f in row && row[f] === null && line[f] !== null) patch[f] = line[f];
  return patch as LinePatch;
}

// biome-ignore lint/suspicious/noExplicitAny: each service's own tables, known to it
type AnyDb = Kysely<any>;

/** A service's copies of order lines (store copies, deliveries), as these two policies need them. */
export interface LineCopies<Row extends { readonly id: number }> {
  load(db: AnyDb, orderId: number): Promise<Row | undefined>;
  update(db: AnyDb, id: number, patch: LinePatch): Promise<void>;
  /** Creates the copy (itemName, qty and storeName known). */
  create(
    db: AnyDb,
    orderId: number,
    line: LineFields & { itemName: string; qty: number; storeName: string },
  ): Promise<void>;
}

const complete = (line: LineFields) => LINE_FIELDS.every((f) => line[f] !== null);

/**
 * The order's knownLines row, locked: the one that exists, or a new one holding `line`. It is
 * also what serializes two events of one order handled at once (keyless events of one order sit
 * on different partitions): the second waits on the row, or on its unique orderId, until the
 * first commits; a unique violation fails the handler, which is retried and then finds the row.
 */
async function lockKnown(
  db: AnyDb,
  orderId: number,
  line: LineFields,
): Promise<{ known: { id: number } & LineFields; created: boolean }> {
  const known = await knownLines.loadBy(db, 'orderId', orderId, { lock: true });
  if (known) return { known, created: false };
  const id = await knownLines.insert(db, { orderId, ...line });
  return { known: { id, ...line }, created: true };
}

/**
 * The event that creates a copy (Paid for the store, Decorated for the rider): creates it from the
 * event's line, gaps filled from what earlier events told (`remember`: the service keeps
 * knownLines, see learnLine); an existing copy only has its gaps filled.
 */
export async function copyLine<Row extends { readonly id: number }>(
  db: AnyDb,
  copies: LineCopies<Row>,
  orderId: number,
  data: Readonly<Record<string, unknown>>,
  remember = true,
): Promise<void> {
  const line = lineFieldsOf(data);
  const row = await copies.load(db, orderId);
  if (row) return fillGaps(db, copies, row, line);
  if (!remember || complete(line)) {
    await create(db, copies, orderId, line);
    // What an earlier event left is of no more use (none, mostly: a read on the unique index).
    if (remember) await db.deleteFrom(knownLines.table).where('orderId', '=', orderId).execute();
    return;
  }
  const { known } = await lockKnown(db, orderId, line);
  const full = merged(line, known);
  const now = await copies.load(db, orderId); // made by an event that held the lock before us
  if (now) await fillGaps(db, copies, now, full);
  else await create(db, copies, orderId, full);
  await db.deleteFrom(knownLines.table).where('id', '=', known.id).execute();
}

/**
 * A cancel that arrives before the event that makes the copy (they come from two publishers, so
 * no bus orders them: a publisher killed before its outbox sent lets the cancel overtake) makes
 * the copy itself, through `cancelled` (whose `create` makes it cancelled), so the late event
 * only fills its gaps. A cancel naming no line (a generated order service's) makes nothing.
 */
export async function copyCancelled<Row extends { readonly id: number }>(
  db: AnyDb,
  cancelled: LineCopies<Row>,
  orderId: number,
  data: Readonly<Record<string, unknown>>,
): Promise<void> {
  if (data.itemName == null || data.qty == null || data.storeName == null) return;
  await copyLine(db, cancelled, orderId, data, false);
}

async function create<Row extends { readonly id: number }>(
  db: AnyDb,
  copies: LineCopies<Row>,
  orderId: number,
  line: LineFields,
): Promise<void> {
  const { itemName, qty, storeName } = line;
  if (itemName === null || qty === null || storeName === null) {
    throw new Error(`order ${orderId}: the event names no item, quantity or store (nor did any before it)`);
  }
  await copies.create(db, orderId, { ...line, itemName, qty, storeName });
}

/**
 * Another event of the order that carries its line (Ordered): fills the copy's gaps when the copy
 * exists, or keeps what it tells (only the gaps of what is already known) until the copy is made.
 */
export async function learnLine<Row extends { readonly id: number }>(
  db: AnyDb,
  copies: LineCopies<Row>,
  orderId: number,
  data: Readonly<Record<string, unknown>>,
): Promise<void> {
  const line = lineFieldsOf(data);
  const row = await copies.load(db, orderId);
  if (row) return fillGaps(db, copies, row, line);
  const { known, created } = await lockKnown(db, orderId, line);
  const now = await copies.load(db, orderId); // made by an event that held the lock before us
  if (now) {
    await fillGaps(db, copies, now, line);
    await db.deleteFrom(knownLines.table).where('id', '=', known.id).execute();
    return;
  }
  if (created) return;
  const patch = gaps(known, line);
  if (Object.keys(patch).length > 0) await knownLines.update(db, known.id, patch);
}

async function fillGaps<Row extends { readonly id: number }>(
  db: AnyDb,
  copies: LineCopies<Row>,
  row: Row,
  line: LineFields,
): Promise<void> {
  const patch = gaps(row as unknown as Record<string, unknown>, line);
  if (Object.keys(patch).length > 0) await copies.update(db, row.id, patch);
}

/**
 * A migration that lets `columns` of a table first created NOT NULL hold null (PostgreSQL: DROP
 * NOT NULL; MariaDB: MODIFY … NULL; SQLite, which cannot alter a column: the table rebuilt from
 * its current declaration, rows copied). `create` makes the table as declared now, under `name`.
 */
export function relaxNotNull(
  table: string,
  columns: Readonly<Record<string, string>>,
  create: (name: string) => Migration,
): Migration {
  return {
    async up(db: AnyDb) {
      const dialect = dialectOf(db);
      if (dialect === 'postgres') {
        for (const column of Object.keys(columns)) {
          await db.schema
            .alterTable(table)
            .alterColumn(column, (c) => c.dropNotNull())
            .execute();
        }
        return;
      }
      if (dialect === 'mysql') {
        for (const [column, type] of Object.entries(columns)) {
          await db.schema.alterTable(table).modifyColumn(column, sql.raw(type)).execute();
        }
        return;
      }
      const rebuilt = `${table}_rebuilt`;
      await create(rebuilt).up(db);
      const names = (await db.introspection.getTables())
        .find((t) => t.name === table)
        ?.columns.map((c) => c.name);
      if (!names) throw new Error(`relaxNotNull: no table ${table}`);
      const list = names.map((n) => `"${n}"`).join(', ');
      await sql.raw(`INSERT INTO "${rebuilt}" (${list}) SELECT ${list} FROM "${table}"`).execute(db);
      await db.schema.dropTable(table).execute();
      await db.schema.alterTable(rebuilt).renameTo(table).execute();
    },
  };
}
