/**
 * What a pure domain decision returns: the events to record, or why the command is refused
 * (a stable code like 'ORDER.ALREADY_CANCELLED' and a message a person can read). `E` is the
 * system's event union (its catalog), so payloads stay typed.
 */

export interface Rejection {
  readonly code: string;
  readonly message: string;
}

export type Decision<S, E> =
  | { readonly ok: true; readonly state: S; readonly events: readonly E[] }
  | { readonly ok: false; readonly rejection: Rejection };

export const accept = <S, E>(state: S, events: readonly E[]): Decision<S, E> => ({
  ok: true,
  state,
  events,
});
export const refuse = <S, E = never>(code: string, message: string): Decision<S, E> => ({
  ok: false,
  rejection: { code, message },
});

/** Moves a status forward along `ranks` only (late or duplicated events never move it back). */
export function advance<T extends string>(ranks: Readonly<Record<T, number>>, current: T | null, next: T): T {
  if (current === null) return next;
  return ranks[next] > ranks[current] ? next : current;
}
