/**
 * Request fields every carshare service reads the same way. The seed's clients are httpie calls
 * (`http :8101/orders productId=1001 qty=1`), which send every value as a JSON string, and
 * Spring read them into a Long: so a positive whole number is accepted as a number or as a
 * string of digits. Anything else ("1.5", "", -1, null, "abc") is a 400 naming the field.
 */
import type { Caller, Rejection } from '@bounded/service-kit';
import { LIMITS } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';

/** An id (bigint column): up to 15 digits as a string. */
export const Id = Type.Union([
  Type.Integer({ minimum: 1, maximum: LIMITS.id }),
  Type.String({ pattern: '^[1-9][0-9]{0,14}$' }),
]);
/** A count for an `integer` column (qty): up to nine digits as a string. */
export const Count = Type.Union([
  Type.Integer({ minimum: 1, maximum: LIMITS.int }),
  Type.String({ pattern: '^[1-9][0-9]{0,8}$' }),
]);
export const CustomerId = Type.String({ minLength: 1, maxLength: LIMITS.text });

export const toNumber = (v: number | string): number => Number(v);

/** The client's Idempotency-Key header, when it sent one. */
export function requestKeyOf(headers: Readonly<Record<string, string | string[] | undefined>>) {
  const header = headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  return key ? key.slice(0, LIMITS.text) : undefined;
}

/** Who a rental is for, or why the caller may not act for the customer the body names. */
export type CustomerDecision =
  | { readonly ok: true; readonly customerId: string | null }
  | { readonly ok: false; readonly rejection: Rejection };

/**
 * Whose rental this is. Through the gateway the customer is the caller: the body may repeat the
 * caller's name or leave it out, never name someone else (an admin or operator may act for
 * anyone). A direct call (no identity) takes the body's customerId, or none: the seed rents with
 * just `productId=1001 qty=1`.
 */
export function customerFor(caller: Caller, named: string | undefined): CustomerDecision {
  if (caller.kind === 'direct') return { ok: true, customerId: named ?? null };
  const mayActForOthers = caller.isAdmin || caller.roles?.includes('operator') === true;
  if (named === undefined || named === caller.name || mayActForOthers) {
    return { ok: true, customerId: named ?? caller.name };
  }
  return {
    ok: false,
    rejection: {
      code: 'RENTAL.NOT_YOURS',
      message: `signed in as ${caller.name}, you cannot act for ${named}: leave customerId out or send your own`,
    },
  };
}

/** Roles that see (and may cancel) every customer's rentals. */
export const SEE_ALL = ['operator'];
