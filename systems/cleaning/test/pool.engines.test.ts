/**
 * The pool's claim where the database does not serialize writers (engine tier: PostgreSQL, then
 * MariaDB): three cleanassign instances on one database, each with its own connection pool,
 * decide 30 assignment requests at once for 10 cleaners. Their transactions overlap, so several
 * read the same longest-idle cleaner; only the conditional claim (`… WHERE status='Idle'`, one
 * row or none) lets exactly one of them have it. Every cleaner ends in one live assignment,
 * the other 20 requests NoCleanerAvailable.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type InProcessService, startInProcess, tempDir } from '@bounded/service-kit/testing';
import { dropDatabase, ENGINE_DIALECTS, freshDatabase } from '@bounded/store/testing';
import type { Kysely } from 'kysely';
import { assignCleaner } from '../cleanassign/src/policies/assign-cleaner.ts';
import { cleanAssignService } from '../cleanassign/src/service.ts';
import type { CleanAssignTables } from '../cleanassign/src/tables.ts';

const decide = assignCleaner.AssignmentRequested!;

// biome-ignore lint/suspicious/noExplicitAny: HAL bodies, read field by field in assertions
type Json = Record<string, any>;
const CLEANERS = 10;
const REQUESTS = 30;

for (const dialect of ENGINE_DIALECTS) {
  const tier = dialect === 'postgres' ? 'PostgreSQL' : 'MariaDB';

  describe(`cleanassign's pool on ${tier}: three instances racing`, { timeout: 60_000 }, () => {
    let url: string;
    const instances: InProcessService[] = [];

    before(async () => {
      url = await freshDatabase(dialect);
      for (let i = 0; i < 3; i++) {
        instances.push(
          await startInProcess(cleanAssignService, {
            DATA_DIR: tempDir('cleaning-pool-'),
            DATABASE_URL: url,
          }),
        );
      }
    });
    after(async () => {
      for (const s of instances) await s.close();
      await dropDatabase(url).catch(() => {});
    });

    it(`${REQUESTS} requests decided at once for ${CLEANERS} cleaners: each cleaner assigned once`, async () => {
      for (let i = 0; i < CLEANERS; i++) {
        const res = await instances[0]!.call('POST', '/cleaners', { name: `Cleaner ${i}`, tel: `010${i}` });
        assert.equal(res.status, 201);
      }
      await Promise.all(
        Array.from({ length: REQUESTS }, (_, i) => {
          const orderId = i + 1;
          const line = { orderId, customerId: 'customer1', tel: '010', location: `block ${i}`, cost: 100 };
          const event = { key: String(orderId), data: { id: orderId, ...line } };
          // The policy as the consumer runs it: in a transaction of this instance's own pool.
          return instances[i % 3]!.service.context.command((trx, record) =>
            decide(event, trx as Kysely<CleanAssignTables>, record),
          );
        }),
      );
      const all = (await instances[1]!.call('GET', '/cleanassigns?size=100')).body._embedded
        .cleanassigns as Json[];
      assert.equal(all.length, REQUESTS);
      const live = all.filter((a) => a.status === 'Assigned');
      assert.equal(live.length, CLEANERS);
      assert.equal(new Set(live.map((a) => a.cleanerId)).size, CLEANERS, 'no cleaner holds two assignments');
      assert.equal(all.filter((a) => a.status === 'NoCleanerAvailable').length, REQUESTS - CLEANERS);
      const idle = (await instances[2]!.call('GET', '/cleaners?status=Idle')).body.page.totalElements;
      assert.equal(idle, 0);
    });
  });
}
