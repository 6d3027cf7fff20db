/**
 * relaxNotNull on PostgreSQL and MariaDB (engine tier): a table an older migration made NOT NULL
 * takes nulls after it, rows kept (the upgrade of a running flowerdelivery to issue 19's
 * optional itemPrice and userName). SQLite's rebuild is tested in generated-peers.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTables, declareResource, LIMITS } from '@bounded/service-kit';
import { openStore } from '@bounded/store';
import { dropDatabase, ENGINE_DIALECTS, freshDatabase } from '@bounded/store/testing';
import { Type } from '@sinclair/typebox';
import { NULLABLE_LINE_COLUMNS, orderCopyFields, relaxNotNull } from '../order-line.ts';

const spec = {
  table: 'copies',
  plural: 'copies',
  unique: ['orderId' as const],
  indexes: ['storeName' as const],
};
const older = declareResource({
  ...spec,
  fields: Type.Object({
    orderId: Type.Integer({ minimum: 1, maximum: LIMITS.id }),
    itemName: Type.String({ maxLength: LIMITS.text }),
    qty: Type.Integer({ minimum: 1, maximum: LIMITS.int }),
    itemPrice: Type.Integer({ minimum: 0, maximum: LIMITS.id }),
    storeName: Type.String({ maxLength: LIMITS.text }),
    userName: Type.String({ maxLength: LIMITS.text }),
  }),
});
const now = declareResource({ ...spec, fields: Type.Object(orderCopyFields) });

for (const dialect of ENGINE_DIALECTS) {
  describe(`relaxNotNull on ${dialect}`, () => {
    it('lets the columns hold null; rows and the unique constraint kept', async () => {
      const url = await freshDatabase(dialect);
      const store = await openStore<never>(url);
      // biome-ignore lint/suspicious/noExplicitAny: a table known only here
      const db = store.db as any;
      try {
        await createTables(older).up(db);
        const line = { itemName: 'rose', qty: 1, storeName: 'KJSHOP' };
        await older.insert(db, { orderId: 1, ...line, itemPrice: 1, userName: 'a' });
        await assert.rejects(() =>
          db
            .insertInto('copies')
            .values({ orderId: 2, ...line, itemPrice: null, userName: null })
            .execute(),
        );
        await relaxNotNull('copies', NULLABLE_LINE_COLUMNS, (table) =>
          createTables({ spec: { ...now.spec, table } }),
        ).up(db);
        await now.insert(db, { orderId: 2, ...line, itemPrice: null, userName: null });
        const rows = await db.selectFrom('copies').selectAll().orderBy('id').execute();
        // Row 1 kept with its id (a failed insert may have used up a sequence value: ids after differ).
        assert.deepEqual(
          rows.map((r: Record<string, unknown>) => [
            Number(r.orderId),
            r.itemPrice === null ? null : Number(r.itemPrice),
            r.userName,
          ]),
          [
            [1, 1, 'a'],
            [2, null, null],
          ],
        );
        assert.equal(Number(rows[0].id), 1);
        await assert.rejects(() => now.insert(db, { orderId: 2, ...line, itemPrice: null, userName: null }));
      } finally {
        await store.close();
        await dropDatabase(url).catch(() => {});
      }
    });
  });
}
