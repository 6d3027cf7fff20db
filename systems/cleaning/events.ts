/**
 * The cleaning event catalog: every event that crosses services, with its payload. `orderId` is
 * the cleaning request's id (the CleanCall's id, the seed's `orderId` in cleanmanage) and the bus
 * key, so one request's events stay in order within a producer. Every event repeats the
 * customer, so the customer service needs no lookups.
 */

import { type EventOf, eventCatalog } from '@bounded/service-kit';

/** Who asked, where, for how much: repeated so consumers need no lookups. */
export interface RequestLine {
  readonly orderId: number;
  readonly customerId: string | null;
  readonly tel: string;
  readonly location: string;
  readonly cost: number;
}

/** The cleaner an assignment names, as the customer is told. */
export interface CleanerLine {
  readonly cleanerId: number;
  readonly cleanerName: string;
  readonly cleanerTel: string;
}

export interface EventPayloads {
  /** cleancall: a request was accepted (after operations registered it). `id` = the request's id. */
  CleanCalled: RequestLine & { id: number; status: 'Requested' };
  /**
   * cleancall: operations registered a request that could then not be saved (compensation):
   * operations withdraws it, nobody is assigned.
   */
  CleanCallWithdrawn: { orderId: number; manageId: number; reason: string };
  /** cleanmanage: operations asks for a cleaner for an accepted request. `id` = the cleanmanage id. */
  AssignmentRequested: RequestLine & { id: number };
  /** cleanassign: a cleaner was assigned. `id` = the assignment's id. */
  CleanerAssigned: RequestLine & CleanerLine & { id: number; status: 'Assigned' };
  /** cleanassign: no cleaner was free when the request came: it ends here (the customer may ask again). */
  NoCleanerAvailable: RequestLine & { id: number; status: 'NoCleanerAvailable' };
  /** cleancall: the customer cancelled (before the cleaning was done). */
  CleanCallCancelled: RequestLine & { id: number; status: 'Cancelled' };
  /** cleanassign: a cancelled request's assignment was cancelled and its cleaner freed. */
  AssignmentCancelled: {
    id: number;
    orderId: number;
    customerId: string | null;
    cleanerId: number;
    status: 'Cancelled';
  };
  /** cleanassign: the cleaner finished the cleaning (and is free again). */
  CleaningCompleted: RequestLine & CleanerLine & { id: number; status: 'Completed' };
}

export type EventType = keyof EventPayloads;

/** An event as a command decides it: type, payload; the bus key is always the request id. */
export type CleaningEvent = EventOf<EventPayloads>;

/**
 * The outbox's shape of a decided event (key = the request id), a delivered payload as the
 * catalog says it is, and the request id of a delivered event (its key; else, from a keyless
 * producer, the payload's orderId — never request 0).
 */
export const {
  toNewEvent,
  payloadOf,
  idOf: orderIdOf,
} = eventCatalog<EventPayloads>({ key: 'orderId', name: 'request id' });

/** The request fields of any payload that carries them. */
export function requestLineOf(line: RequestLine): RequestLine {
  const { orderId, customerId, tel, location, cost } = line;
  return { orderId, customerId, tel, location, cost };
}
