import { type Kysely, type Migration, withSerialKey } from '@bounded/store';
import type { Generated } from 'kysely';
import type { MyPageDeliveryStatus, MyPageOrderStatus, MyPagePaymentStatus } from './views/my-page.ts';

export interface MyPageTables {
  my_pages: {
    id: Generated<number>;
    orderId: number;
    storeName: string | null;
    itemName: string | null;
    orderQty: number | null;
    itemPrice: number | null;
    userName: string | null;
    orderStatus: MyPageOrderStatus | null;
    deliveryStatus: MyPageDeliveryStatus | null;
    paymentStatus: MyPagePaymentStatus | null;
  };
}

export const migrations: Record<string, Migration> = {
  '0001_my_pages': {
    async up(db: Kysely<any>) {
      await withSerialKey(db.schema.createTable('my_pages'), 'id', db)
        .addColumn('orderId', 'bigint', (c) => c.notNull().unique())
        .addColumn('storeName', 'varchar(255)')
        .addColumn('itemName', 'varchar(255)')
        .addColumn('orderQty', 'integer')
        .addColumn('itemPrice', 'bigint')
        .addColumn('userName', 'varchar(255)')
        .addColumn('orderStatus', 'varchar(32)')
        .addColumn('deliveryStatus', 'varchar(32)')
        .addColumn('paymentStatus', 'varchar(32)')
        .execute();
      await db.schema.createIndex('my_pages_user').on('my_pages').column('userName').execute();
    },
  },
};
