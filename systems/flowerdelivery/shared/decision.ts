/**
 * What a pure domain decision returns: the events to record, or why the command is refused
 * (a stable code like 'ORDER.ALREADY_CANCELLED' and a message a person can read).
 */
import type { FlowerEvent } from '../events.ts';

export interface Rejection {
  readonly code: string;
  readonly message: string;
}

export type Decision<S> =
  | { readonly ok: true; readonly state: S; readonly events: readonly FlowerEvent[] }
  | { readonly ok: false; readonly rejection: Rejection };

export const accept = <S>(state: S, events: readonly FlowerEvent[]): Decision<S> => ({
  ok: true,
  state,
  events,
});
export const refuse = <S>(code: string, message: string): Decision<S> => ({
  ok: false,
  rejection: { code, message },
});

/** Moves a status forward along `order` only (late or duplicated events never move it back). */
export function advance<T extends string>(ranks: Readonly<Record<T, number>>, current: T | null, next: T): T {
  if (current === null) return next;
  return ranks[next] > ranks[current] ? next : current;
}
