import { type Kysely, type Migration, withSerialKey } from '@bounded/store';
import type { Generated, Selectable } from 'kysely';
import type {
  StatusView,
  ViewDeliveryStatus,
  ViewOrderStatus,
  ViewPayStatus,
  ViewShippingStatus,
  ViewShopStatus,
} from './views/status-view.ts';

export interface ViewPageTables {
  status_views: {
    id: Generated<number>;
    orderNo: number;
    customerId: string | null;
    itemNo: number | null;
    qty: number | null;
    orderStatus: ViewOrderStatus | null;
    paystatus: ViewPayStatus | null;
    shopStatus: ViewShopStatus | null;
    shippingStatus: ViewShippingStatus | null;
    deliveryStatus: ViewDeliveryStatus | null;
  };
}

export function toStatusView(row: Selectable<ViewPageTables['status_views']>): StatusView & { id: number } {
  return {
    ...row,
    id: Number(row.id),
    orderNo: Number(row.orderNo),
    itemNo: row.itemNo === null ? null : Number(row.itemNo),
  };
}

export const migrations: Record<string, Migration> = {
  '0001_status_views': {
    async up(db: Kysely<any>) {
      await withSerialKey(db.schema.createTable('status_views'), 'id', db)
        .addColumn('orderNo', 'bigint', (c) => c.notNull().unique())
        .addColumn('customerId', 'varchar(255)')
        .addColumn('itemNo', 'bigint')
        .addColumn('qty', 'integer')
        .addColumn('orderStatus', 'varchar(32)')
        .addColumn('paystatus', 'varchar(32)')
        .addColumn('shopStatus', 'varchar(32)')
        .addColumn('shippingStatus', 'varchar(32)')
        .addColumn('deliveryStatus', 'varchar(32)')
        .execute();
      await db.schema.createIndex('status_views_customer').on('status_views').column('customerId').execute();
    },
  },
};
