/**
 * flowerdelivery under chaos, briefly: real processes on ports 29200… (auth and control on free
 * ports), customers and the store sending commands through the gateway while instances are killed
 * with SIGKILL; then every invariant of systems/flowerdelivery/chaos.ts must hold. Then the
 * checker is shown to catch what it exists for: the run's databases are corrupted one way at a
 * time (a second payment, a lost order, an id answered twice, a parked event) and each is reported.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync as Database, type SQLInputValue } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import type { ChaosRun } from '@bounded/runner/chaos';
import { assertClean, checkInvariants, MemoryLedger, shortChaosRun } from '@bounded/runner/chaos';
import { chaos } from '../chaos.ts';
import { system } from '../system.ts';

describe('flowerdelivery under chaos (kill -9 of random instances)', { timeout: 240_000 }, () => {
  let run: ChaosRun;
  const dbOf = (service: string) => join(run.dataDir, system.name, `${service}.db`);
  const recheck = () =>
    checkInvariants({ dataDir: run.dataDir, system, scenario: chaos, ledger: run.ledger });
  /** Changes one database, checks, then undoes the change (each corruption on its own). */
  const corrupted = (service: string, change: (db: Database) => void, undo: (db: Database) => void) => {
    const db = new Database(dbOf(service));
    try {
      change(db);
      return recheck();
    } finally {
      undo(db);
      db.close();
    }
  };

  before(async () => {
    run = await shortChaosRun({ system, scenario: chaos, basePort: 29200 });
  });
  after(() => {
    if (run) rmSync(run.dataDir, { recursive: true, force: true });
  });

  it('loses nothing, doubles nothing, parks nothing; MyPage equals its sources', (t) => {
    assertClean(run);
    t.diagnostic(JSON.stringify(run.result));
  });

  it('the checker catches a doubled payment', () => {
    assert.equal(recheck().violations.filter((v) => v.kind === 'doubled').length, 0);
    const [paid] = new Database(dbOf('payment'), { readOnly: true })
      .prepare("select id, orderId from payments where paymentStatus = 'Paid' limit 1")
      .all() as Array<{ id: number; orderId: number }>;
    assert.ok(paid, 'the run paid for something');
    const report = corrupted(
      'payment',
      (db) =>
        db
          .prepare(
            `insert into payments (orderId, itemName, qty, itemPrice, storeName, userName, paymentStatus, idempotencyKey)
             select orderId, itemName, qty, itemPrice, storeName, userName, paymentStatus, 'chaos-double'
             from payments where id = ?`,
          )
          .run(paid.id),
      (db) => db.prepare("delete from payments where idempotencyKey = 'chaos-double'").run(),
    );
    assert.ok(
      report.violations.some((v) => v.kind === 'doubled' && v.detail.includes(`orderId=${paid.orderId}`)),
      JSON.stringify(report.violations),
    );
  });

  it('the checker catches an accepted order that is gone', () => {
    const id = [...run.ledger.subjects('order', 'accepted')][0];
    const db = new Database(dbOf('order'));
    const row = db.prepare('select * from orders where id = ?').get(id) as Record<string, SQLInputValue>;
    db.prepare('delete from orders where id = ?').run(id);
    try {
      const report = recheck();
      assert.ok(
        report.violations.some(
          (v) => v.kind === 'lost' && v.detail.startsWith(`order ${id} was answered 201`),
        ),
        JSON.stringify(report.violations),
      );
    } finally {
      const columns = Object.keys(row);
      db.prepare(
        `insert into orders (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
      ).run(...Object.values(row));
      db.close();
    }
  });

  it('the checker catches one id answered 201 twice', () => {
    const ledger = new MemoryLedger();
    for (const outcome of run.ledger.outcomes) ledger.record(outcome);
    const [first] = run.ledger.of('order', 'accepted');
    ledger.record(first);
    const report = checkInvariants({ dataDir: run.dataDir, system, scenario: chaos, ledger });
    assert.deepEqual(
      report.violations.filter((v) => v.kind === 'doubled').map((v) => v.detail),
      [`two accepted order commands answered id ${first.subject}`],
    );
  });

  it('the checker catches a parked event', () => {
    const report = corrupted(
      'delivery',
      (db) =>
        db
          .prepare(
            `insert into bounded_parked
               (grp, event_id, topic, key, type, timestamp, data, partition, "offset", error, attempts, parked_at)
             values ('delivery', 'chaos-parked', 'flowerdelivery', '1', 'Decorated', 0, '{}', 0, 0, 'seeded', 5, 0)`,
          )
          .run(),
      (db) => db.prepare("delete from bounded_parked where event_id = 'chaos-parked'").run(),
    );
    assert.deepEqual(
      report.parked.map((p) => `${p.service} ${p.type}`),
      ['delivery Decorated'],
    );
    assert.equal(report.clean, false);
  });
});
