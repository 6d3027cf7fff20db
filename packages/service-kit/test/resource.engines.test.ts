// The declared-resource suite on PostgreSQL and MariaDB (engines/postgres.sh, engines/mariadb.sh).
import { ENGINE_DIALECTS, freshDatabase } from '@bounded/store/testing';
import { tempDir } from '../src/testing/index.ts';
import { resourceSuite } from './resource-suite.ts';

for (const dialect of ENGINE_DIALECTS) {
  resourceSuite(dialect === 'postgres' ? 'PostgreSQL' : 'MariaDB', async () => ({
    DATA_DIR: tempDir('bounded-resource-'),
    DATABASE_URL: await freshDatabase(dialect),
  }));
}
