/**
 * The saga runner on a real service (embedded store): steps in order under stable keys, the
 * outcome replayed, compensation of the done steps when a later one certainly failed, a step in
 * doubt asked again (never compensated on a guess), a saga left running by a dead process resumed
 * at start, one saga per correlation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DependencyRejectedError, DependencyUnavailableError } from '@bounded/http-client';
import { type BuiltService, buildService, type ServiceDefinition } from '@bounded/kernel';
import type { Kysely } from 'kysely';
import { type Saga, type SagaTables, sagaMigrations, sagaRunner } from '../src/saga.ts';
import { eventually, tempDir } from '../src/testing/index.ts';
import { plantedSaga } from './saga-rows.ts';

interface Tables extends SagaTables {
  effects: { id: number; what: string };
}
type Input = { order: number };

/** What the fake remote steps do next: answer, fail for sure, or time out. */
type Mode = 'ok' | 'refused' | 'down' | 'timeout' | 'open' | 'slow';
const calls: Array<{ step: string; key: string }> = [];
const modes: Record<string, Mode> = { reserve: 'ok', charge: 'ok' };

function remote(step: string) {
  return async (_input: Input, key: string) => {
    calls.push({ step, key });
    const mode = modes[step];
    if (mode === 'refused') throw new DependencyRejectedError(step, 409, { code: 'NO', message: 'refused' });
    if (mode === 'down') {
      const cause = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
      throw new DependencyUnavailableError({
        dependency: step,
        code: 'DEPENDENCY.UNAVAILABLE',
        reason: 'connection failed (ECONNREFUSED)',
        retryAfterSeconds: 1,
        cause,
      });
    }
    if (mode === 'open' || mode === 'timeout') {
      throw new DependencyUnavailableError({
        dependency: step,
        code: mode === 'open' ? 'DEPENDENCY.CIRCUIT_OPEN' : 'DEPENDENCY.TIMEOUT',
        reason: mode,
        retryAfterSeconds: 1,
      });
    }
    if (mode === 'slow') await new Promise((r) => setTimeout(r, 3000));
    return `${step}-done`;
  };
}

async function effect(trx: Kysely<Tables>, what: string): Promise<void> {
  await trx
    .insertInto('effects')
    .values({ what } as never)
    .execute();
}

function definition(
  onSaga: (saga: Saga<Tables, Input, { order: number }>) => void,
  keepFinishedMs?: number,
): ServiceDefinition<Tables> {
  return {
    name: 'sagas',
    topic: 'saga-test',
    migrations: {
      ...sagaMigrations,
      '0001_effects': {
        async up(db) {
          await db.schema
            .createTable('effects')
            .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
            .addColumn('what', 'varchar(255)', (c) => c.notNull())
            .execute();
        },
      },
    },
    setup(ctx) {
      // A lease long enough to be renewed on a loaded machine (renewal is a write transaction).
      const runner = sagaRunner(ctx, { leaseMs: 1200, resumeEveryMs: 50, keepFinishedMs });
      onSaga(
        runner.define<Input, { order: number }>({
          name: 'rent',
          steps: [
            {
              name: 'reserve',
              run: remote('reserve'),
              compensate: (trx, _record, input, result) => effect(trx, `unreserve ${input.order} ${result}`),
            },
            { name: 'charge', run: remote('charge') },
          ],
          async complete(trx, _record, input, done) {
            await effect(trx, `complete ${input.order} ${done.reserve} ${done.charge}`);
            return { order: input.order };
          },
        }),
      );
    },
  };
}

describe('saga runner', () => {
  const dataDir = tempDir('saga-');
  let service: BuiltService<Tables>;
  let saga: Saga<Tables, Input, { order: number }>;
  const effects = async () =>
    (await service.context.store.db.selectFrom('effects').select('what').orderBy('id').execute()).map(
      (r) => r.what,
    );
  const statusOf = async (order: number) =>
    (
      await service.context.store.db
        .selectFrom('bounded_sagas')
        .select(['status', 'step', 'in_doubt'])
        .where('correlation', '=', String(order))
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow()
    ).status;
  const run = (order: number, requestKey?: string) =>
    saga.run({ order }, { correlation: String(order), requestKey });

  before(async () => {
    service = await buildService(
      definition((s) => {
        saga = s;
      }),
      { DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    );
    await service.start();
  });
  after(async () => {
    await service.close();
  });

  it('runs the steps in order under keys of their own, completes once, replays the outcome for the same request key', async () => {
    calls.length = 0;
    assert.deepEqual(await run(1, 'k1'), { order: 1 });
    assert.deepEqual(
      calls.map((c) => c.step),
      ['reserve', 'charge'],
    );
    assert.notEqual(calls[0]!.key, calls[1]!.key);
    assert.deepEqual(await run(1, 'k1'), { order: 1 }, 'replayed');
    assert.equal(calls.length, 2, 'no step ran again');
    assert.deepEqual(await effects(), ['complete 1 reserve-done charge-done']);
  });

  it('a first step that certainly failed (breaker open) → 503, nothing to compensate', async () => {
    modes.reserve = 'open';
    await assert.rejects(run(2), (e: { status?: number }) => e.status === 503);
    modes.reserve = 'ok';
    assert.equal(await statusOf(2), 'compensated');
    assert.equal((await effects()).length, 1, 'no effect');
  });

  it('a later step that certainly failed (connection refused, or refused 4xx) → the done steps compensated, the error passed on', async () => {
    modes.charge = 'down';
    await assert.rejects(run(3), (e: { status?: number }) => e.status === 503);
    assert.equal(await statusOf(3), 'compensated');
    assert.deepEqual((await effects()).slice(-1), ['unreserve 3 reserve-done']);
    modes.charge = 'refused';
    await assert.rejects(
      run(4),
      (e: { status?: number; code?: string }) => e.status === 409 && e.code === 'NO',
    );
    assert.deepEqual((await effects()).slice(-1), ['unreserve 4 reserve-done']);
    modes.charge = 'ok';
    // The client tries again: a new attempt, which now goes through.
    assert.deepEqual(await run(3), { order: 3 });
    assert.deepEqual((await effects()).slice(-1), ['complete 3 reserve-done charge-done']);
  });

  it('a step in doubt (timeout) is not compensated: 503, then asked again under the same key until it answers', async () => {
    calls.length = 0;
    modes.charge = 'timeout';
    await assert.rejects(run(5), (e: { code?: string }) => e.code === 'SAGA.IN_DOUBT');
    assert.equal(await statusOf(5), 'running');
    const admin = (await service.app.inject({ method: 'GET', url: '/admin/sagas' })).json();
    assert.deepEqual(
      admin.running.map((r: { correlation: string; step: string; inDoubt: boolean }) => [
        r.correlation,
        r.step,
        r.inDoubt,
      ]),
      [['5', 'charge', true]],
      'operators see the saga waiting in doubt',
    );
    // Connection refused while in doubt settles nothing: the first call may have gone through.
    modes.charge = 'down';
    await eventually(async () => calls.filter((c) => c.step === 'charge').length >= 3);
    assert.equal(await statusOf(5), 'running');
    assert.ok(!(await effects()).includes('unreserve 5 reserve-done'));
    modes.charge = 'ok';
    await eventually(async () => (await statusOf(5)) === 'completed');
    const charges = calls.filter((c) => c.step === 'charge');
    assert.equal(new Set(charges.map((c) => c.key)).size, 1, 'one key for every attempt');
    assert.equal(calls.filter((c) => c.step === 'reserve').length, 1);
    assert.deepEqual((await effects()).slice(-1), ['complete 5 reserve-done charge-done']);
  });

  it('one saga per correlation: a second request while one runs joins it (503 in progress), and the steps run once', async () => {
    calls.length = 0;
    modes.charge = 'timeout';
    await assert.rejects(run(6), (e: { code?: string }) => e.code === 'SAGA.IN_DOUBT');
    modes.charge = 'ok';
    const again = await run(6).catch((e: { code?: string }) => e.code);
    assert.ok(
      (typeof again === 'object' && again.order === 6) || again === 'SAGA.IN_PROGRESS',
      String(again),
    );
    await eventually(async () => (await statusOf(6)) === 'completed');
    assert.equal(calls.filter((c) => c.step === 'reserve').length, 1);
    assert.equal((await effects()).filter((e) => e.startsWith('complete 6')).length, 1);
  });

  it('a live driver keeps its lease through a step slower than the lease: not taken over, asked once', async () => {
    calls.length = 0;
    modes.charge = 'slow'; // 3 s, the lease is 1.2 s, the resume loop looks every 50 ms
    assert.deepEqual(await run(8), { order: 8 });
    modes.charge = 'ok';
    assert.equal(calls.filter((c) => c.step === 'charge').length, 1);
    assert.equal((await effects()).filter((e) => e.startsWith('complete 8')).length, 1);
  });

  it('a saga left running by a process that died is resumed by the next one at start', async () => {
    await service.context.store.db
      .insertInto('bounded_sagas')
      .values(
        plantedSaga({
          id: 'left-behind',
          saga: 'rent',
          correlation: '7',
          input: JSON.stringify({ order: 7 }),
          results: JSON.stringify({ reserve: 'reserve-done' }),
          step: 1,
        }),
      )
      .execute();
    await service.close();
    calls.length = 0;
    service = await buildService(
      definition((s) => {
        saga = s;
      }),
      { DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    );
    modes.charge = 'down';
    await service.start();
    // The dead process may have sent `charge` before it died: a refused connection now settles nothing.
    await eventually(async () => calls.length >= 2);
    assert.equal(await statusOf(7), 'running');
    modes.charge = 'ok';
    await eventually(async () => (await statusOf(7)) === 'completed');
    assert.deepEqual(new Set(calls.map((c) => `${c.step} ${c.key}`)), new Set(['charge left-behind:charge']));
    assert.deepEqual((await effects()).slice(-1), ['complete 7 reserve-done charge-done']);
  });

  it('deletes finished sagas kept longer than keepFinishedMs, and keeps running and recent ones', async () => {
    const day = 24 * 3600_000;
    const row = (id: string, status: 'completed' | 'compensated', age: number) =>
      plantedSaga({
        id,
        saga: 'rent',
        input: JSON.stringify({ order: 0 }),
        step: 2,
        status,
        lease_owner: 'someone',
        lease_until: Date.now() - age,
        created_at: Date.now() - age,
        updated_at: Date.now() - age,
      });
    await service.context.store.db
      .insertInto('bounded_sagas')
      .values([
        row('old-completed', 'completed', 3 * day),
        row('old-compensated', 'compensated', 3 * day),
        row('recent-completed', 'completed', 1000),
      ])
      .execute();
    await service.close();
    service = await buildService(
      definition((s) => {
        saga = s;
      }, day),
      { DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    );
    await service.start();
    const ids = async () =>
      (await service.context.store.db.selectFrom('bounded_sagas').select('id').execute()).map((r) => r.id);
    await eventually(async () => !(await ids()).includes('old-completed'));
    const left = await ids();
    assert.ok(!left.includes('old-compensated'));
    assert.ok(left.includes('recent-completed'), 'a recent finished saga is kept');
    assert.ok(left.includes('left-behind'), "the earlier test's saga, finished just now, is kept");
  });
});
