/** The fields of an order line and its recipient as every malltail service stores them (see events.ts). */
import { LIMITS, Nullable } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';

/** What the customer ordered (events.ts OrderLine, without the order it belongs to). */
export const lineFields = {
  itemNo: Type.Integer({ minimum: 1, maximum: LIMITS.id }),
  qty: Type.Integer({ minimum: 1, maximum: LIMITS.int }),
  customerId: Nullable(Type.String({ minLength: 1, maxLength: LIMITS.text })),
};

/** Where the parcel goes (events.ts Recipient). */
export const recipientFields = {
  customerName: Nullable(Type.String({ minLength: 1, maxLength: LIMITS.text })),
  customerAddress: Nullable(Type.String({ minLength: 1, maxLength: 1000 })),
  phoneNumber: Nullable(Type.String({ minLength: 1, maxLength: 64 })),
};

/** The order a downstream copy belongs to: the seed's `orderNo` (the order's id). */
export const orderNo = Type.Integer({ minimum: 1, maximum: LIMITS.id });

/** The order line with its order: what a service downstream of the order keeps. */
export const orderCopyFields = { orderNo, ...lineFields };
