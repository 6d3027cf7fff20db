/**
 * The correlation id of a delivered event (the order, rental, booking … it is about). Our
 * producers put it in the record's key; a generated MSAEz producer sets no key at all
 * (`AbstractEvent.publish()` sends the payload alone), so the id then comes from the payload:
 * per event type, the fields that carry it (the seed's `orderId`, or the emitting aggregate's
 * own `id` when that aggregate is the correlated one). Declared once per system, in its
 * events.ts:
 *
 *   export const orderIdOf = correlationOf({ Ordered: ['orderId', 'id'], Paid: ['orderId'], … });
 *
 * An event that names no usable id is refused (an error: retried, then parked where an operator
 * sees it); it never falls back to 0 (`Number('')`), which would fold every keyless event into one row.
 */

/** Per event type, the payload fields that may carry its correlation id, the first present wins. */
export type CorrelationFields = Readonly<Record<string, readonly string[]>>;

/** What a policy handler is given (the delivered event): `type` and `data` read only when the key is empty. */
export interface CorrelatedEvent {
  readonly key: string;
  readonly type?: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export class MissingCorrelationError extends Error {
  readonly code = 'EVENT.NO_CORRELATION_ID';
}

/** A positive safe integer from a number or a string of digits; undefined for anything else. */
export function idFrom(value: unknown): number | undefined {
  const id =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/**
 * The reader of a system's correlation id. `fallback` names the fields to try for a type the
 * map does not list (a keyless event of a type the system does not declare).
 */
export function correlationOf(
  fields: CorrelationFields,
  options: { readonly name?: string; readonly fallback?: readonly string[] } = {},
): (event: CorrelatedEvent) => number {
  const name = options.name ?? 'correlation id';
  const fallback = options.fallback ?? [];
  return (event) => {
    if (event.key !== '') {
      const id = idFrom(event.key);
      if (id === undefined) throw new MissingCorrelationError(`event key ${event.key} is not an ${name}`);
      return id;
    }
    const candidates = (event.type !== undefined ? fields[event.type] : undefined) ?? fallback;
    for (const field of candidates) {
      const id = idFrom(event.data?.[field]);
      if (id !== undefined) return id;
    }
    throw new MissingCorrelationError(
      `${event.type ?? 'an'} event has no key and no ${name} in ${candidates.join(' or ') || 'its payload'}`,
    );
  };
}
