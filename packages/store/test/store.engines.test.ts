// The store's suite on PostgreSQL and MariaDB (engines/postgres.sh, engines/mariadb.sh), one
// fresh database per case; plus what only a server with concurrent writers can show.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { openStore } from '../src/index.ts';
import { dropDatabase, ENGINE_DIALECTS, engineUrl, freshDatabase, redacted } from '../src/testing.ts';
import { idBlockSuite, storeSuite } from './suite.ts';

const made: string[] = [];
after(async () => {
  for (const url of made) await dropDatabase(url).catch(() => {});
});

for (const dialect of ENGINE_DIALECTS) {
  const tier = dialect === 'postgres' ? 'PostgreSQL' : 'MariaDB';
  const newUrl = async () => {
    const url = await freshDatabase(dialect);
    made.push(url);
    return url;
  };
  storeSuite(tier, newUrl);
  idBlockSuite(tier, newUrl);

  describe(`engine databases (${tier})`, () => {
    it('freshDatabase gives each caller an empty database of its own', async () => {
      const [a, b] = [await newUrl(), await newUrl()];
      assert.notEqual(a, b);
      assert.equal(new URL(a).host, new URL(engineUrl(dialect)).host);
      const store = await openStore(a);
      try {
        assert.equal(store.dialect, dialect);
      } finally {
        await store.close();
      }
    });

    it('an unreachable server fails loudly, password hidden, naming the script that starts it', async () => {
      const variable = dialect === 'postgres' ? 'ENGINE_POSTGRES_URL' : 'ENGINE_MYSQL_URL';
      const saved = process.env[variable];
      process.env[variable] = engineUrl(dialect).replace(/:\d+\//, ':1/');
      try {
        await assert.rejects(freshDatabase(dialect), (error: Error) => {
          assert.match(error.message, /not reachable/);
          assert.match(error.message, /engines\/(postgres|mariadb)\.sh start/);
          assert.doesNotMatch(error.message, /:bounded@/);
          assert.match(error.message, new RegExp(redacted(process.env[variable]!).replace(/[/.]/g, '\\$&')));
          return true;
        });
      } finally {
        if (saved === undefined) delete process.env[variable];
        else process.env[variable] = saved;
      }
    });
  });
}
