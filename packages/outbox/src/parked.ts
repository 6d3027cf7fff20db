import type { Store } from '@bounded/store';
import { messaging } from './tables.ts';

export interface ParkedEvent {
  group: string;
  eventId: string;
  topic: string;
  key: string;
  type: string;
  partition: number;
  offset: number;
  error: string;
  attempts: number;
  parkedAt: string;
  data: unknown;
}

/** The events a service's consumers parked, oldest first, for an operator to inspect. */
export async function listParked(store: Store<any>): Promise<ParkedEvent[]> {
  const rows = await messaging(store.db)
    .selectFrom('bounded_parked')
    .selectAll()
    .orderBy('parked_at')
    .execute();
  return rows.map((row) => ({
    group: row.grp,
    eventId: row.event_id,
    topic: row.topic,
    key: row.key,
    type: row.type,
    partition: row.partition,
    offset: Number(row.offset),
    error: row.error,
    attempts: row.attempts,
    parkedAt: new Date(Number(row.parked_at)).toISOString(),
    data: JSON.parse(row.data),
  }));
}
