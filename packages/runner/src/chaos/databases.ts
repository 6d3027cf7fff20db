/**
 * Read-only handles on every service's SQLite database of a run (`<dataDir>/<system>/<service>.db`,
 * where the kernel puts them by default). Opened read-only beside the running services: in WAL
 * mode a reader never blocks their writes.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Databases, Json } from './scenario.ts';

export interface OpenDatabases extends Databases {
  /** The services whose database file exists. */
  readonly services: readonly string[];
  close(): void;
}

export function openDatabases(dataDir: string, system: string, services: readonly string[]): OpenDatabases {
  const handles = new Map<string, DatabaseSync>();
  const fileOf = (service: string) => join(dataDir, system, `${service}.db`);
  const handle = (service: string) => {
    let db = handles.get(service);
    if (!db) {
      if (!existsSync(fileOf(service)))
        throw new Error(`no database for ${system}/${service} at ${fileOf(service)}`);
      db = new DatabaseSync(fileOf(service), { readOnly: true, timeout: 2000 });
      handles.set(service, db);
    }
    return db;
  };
  return {
    services: services.filter((s) => existsSync(fileOf(s))),
    all: (service, sql, ...params) =>
      handle(service)
        .prepare(sql)
        .all(...(params as Parameters<ReturnType<DatabaseSync['prepare']>['all']>)) as Json[],
    close() {
      for (const db of handles.values()) db.close();
      handles.clear();
    },
  };
}

/** Events parked by any service's consumer group (the kernel's `bounded_parked` table). */
export function parkedEvents(db: OpenDatabases): Array<{ service: string; type: string; error: string }> {
  return db.services.flatMap((service) =>
    db
      .all(service, 'select type, error from bounded_parked')
      .map((row) => ({ service, type: String(row.type), error: String(row.error).slice(0, 200) })),
  );
}

/** Rows in every service's inbox: unchanged between two looks = no consumer is handling anything. */
export function inboxSize(db: OpenDatabases): number {
  return db.services.reduce(
    (sum, service) => sum + Number(db.all(service, 'select count(*) as n from bounded_inbox')[0].n),
    0,
  );
}
