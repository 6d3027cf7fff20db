/**
 * What a page asks of the live events: a filter (type, key, service, text in the payload) applied
 * on the server, over every event the console saw, and a budget of events a second per page. A
 * person cannot read thousands of events a second; sending them all cost the services' machine
 * more than the services themselves spent on some of them. Every event still counts: what the
 * budget leaves out is counted and told to the page, and a filter or a pause shows every one.
 */
import type { ConsoleEvent } from './model.ts';

export interface EventFilter {
  readonly type?: string;
  readonly key?: string;
  readonly service?: string;
  /** Case-insensitive, in the type or the payload's JSON. */
  readonly text?: string;
}

/** The filter a query string names (empty values are no filter). */
export function filterOf(query: EventFilter): EventFilter {
  const field = (name: keyof EventFilter) => {
    const value: unknown = query[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  return { type: field('type'), key: field('key'), service: field('service'), text: field('text') };
}

export function isEmpty(filter: EventFilter): boolean {
  return !filter.type && !filter.key && !filter.service && !filter.text;
}

export function matcher(filter: EventFilter): (event: ConsoleEvent) => boolean {
  const needle = filter.text?.toLowerCase();
  return (e) =>
    (!filter.type || e.type === filter.type) &&
    (!filter.key || e.key === filter.key) &&
    (!filter.service || e.source === filter.service) &&
    (!needle ||
      e.type.toLowerCase().includes(needle) ||
      JSON.stringify(e.data).toLowerCase().includes(needle));
}

/** The newest `limit` events of `events` that match, and how many more matched. */
export function newestMatching(
  events: readonly ConsoleEvent[],
  filter: EventFilter,
  limit: number,
): { events: ConsoleEvent[]; matched: number } {
  if (isEmpty(filter))
    return { events: events.slice(Math.max(0, events.length - limit)), matched: events.length };
  const matches = matcher(filter);
  const found: ConsoleEvent[] = [];
  let matched = 0;
  for (let i = events.length - 1; i >= 0; i--) {
    if (!matches(events[i])) continue;
    matched++;
    if (found.length < limit) found.push(events[i]);
  }
  return { events: found.reverse(), matched };
}

/**
 * At most `perSecond` events a second to one page, in bursts of at most `burst` (a token bucket):
 * of a batch over the budget, the newest are sent and the rest counted as not sent.
 */
export class EventBudget {
  readonly #perSecond: number;
  readonly #burst: number;
  #tokens: number;
  #at: number;

  constructor(perSecond: number, burst: number, now = Date.now()) {
    this.#perSecond = perSecond;
    this.#burst = burst;
    this.#tokens = burst;
    this.#at = now;
  }

  take(
    events: readonly ConsoleEvent[],
    now = Date.now(),
  ): { sent: readonly ConsoleEvent[]; notSent: number } {
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#at) / 1000) * this.#perSecond);
    this.#at = now;
    const allowed = Math.min(events.length, Math.floor(this.#tokens));
    this.#tokens -= allowed;
    const sent = allowed === events.length ? events : events.slice(events.length - allowed);
    return { sent, notSent: events.length - allowed };
  }
}
