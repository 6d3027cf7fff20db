// The kernel's service suite with the store on PostgreSQL and MariaDB (engines/postgres.sh,
// engines/mariadb.sh): the runtime's own tables (id blocks, outbox, inbox, parked) migrate
// and serve there as on SQLite. The bus is the embedded log under DATA_DIR.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINE_DIALECTS, freshDatabase } from '@bounded/store/testing';
import { serviceSuite } from './service-suite.ts';

for (const dialect of ENGINE_DIALECTS) {
  serviceSuite(dialect === 'postgres' ? 'PostgreSQL' : 'MariaDB', async () => ({
    DATA_DIR: mkdtempSync(join(tmpdir(), 'bounded-service-')),
    DATABASE_URL: await freshDatabase(dialect),
  }));
}
