/** The fields of an order line as every flowerdelivery service stores it (see events.ts OrderLine). */
import { LIMITS } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';

export const orderLineFields = {
  itemName: Type.String({ minLength: 1, maxLength: LIMITS.text }),
  qty: Type.Integer({ minimum: 1, maximum: LIMITS.int }),
  itemPrice: Type.Integer({ minimum: 0, maximum: LIMITS.id }),
  storeName: Type.String({ minLength: 1, maxLength: LIMITS.text }),
  userName: Type.String({ minLength: 1, maxLength: LIMITS.text }),
};

/** The order line with the order it belongs to: what a service downstream of the order keeps. */
export const orderCopyFields = {
  orderId: Type.Integer({ minimum: 1, maximum: LIMITS.id }),
  ...orderLineFields,
};
