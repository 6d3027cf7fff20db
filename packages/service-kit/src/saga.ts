/**
 * A saga of sync steps with compensations, its progress kept in the service's own database so a
 * process killed at any point (kill -9) ends the saga completed or compensated after restart —
 * never half-done. The system names the steps (a remote call each, and how to undo it) and the
 * local transaction that finishes the saga; this file keeps the order of the steps, their
 * idempotency keys, and what happens when one fails.
 *
 * The rules, in the order they apply:
 *  - Every step runs with an idempotency key of its own (`<saga id>:<step name>`), the same on
 *    every retry and after a restart, so a repeated call never has a second effect on the callee.
 *  - After each step its result is committed with the saga's row, so a resumed saga goes on from
 *    the next step (or repeats the interrupted one, harmlessly, under the same key).
 *  - A step that DEFINITELY did not happen (the callee refused it with a 4xx; or it was never sent
 *    or never connected: breaker open, bulkhead full, connection refused; or the callee answered
 *    5xx, i.e. it failed and rolled back) → the steps done so far are compensated, newest first,
 *    and the caller gets that error (a 503 + Retry-After for an unavailable callee).
 *  - A step whose outcome is UNKNOWN (a timeout, a connection cut mid-answer) is "in doubt": it
 *    may have happened, so compensating the earlier steps could leave it alone in effect. The saga
 *    stays running and answers 503 + Retry-After; it is driven again (by the caller's retry, a
 *    second request for the same correlation, or the resume loop) with the same key, until the
 *    callee answers: done → go on; refused → compensate. An in-doubt step is never taken as
 *    failed on a later connection error: only the callee's answer settles it.
 *  - Compensations are local: each writes to this service's database and/or records a
 *    compensating event (outbox), all in ONE transaction with the saga's new status. They cannot
 *    half-fail, and the events reach the other services at least once.
 *  - The last local transaction (`complete`) commits the saga's outcome with the service's own
 *    state change and events; a repeated request with the same Idempotency-Key is answered from
 *    that stored outcome, with no step run again.
 *  - One saga per correlation (e.g. one rental) at a time: a second request while one runs joins it.
 *  - A lease (`leaseMs`, renewed while a step runs) keeps two drivers (two requests, two
 *    replicas, the resume loop) from driving one saga at once; a killed driver's lease runs out
 *    and the resume loop takes over (a driver that lost its lease answers what the saga came to).
 *    A saga taken over from a driver that did not finish has its current step in doubt (the
 *    driver may have sent it just before it died).
 */
import { randomUUID } from 'node:crypto';
import { DependencyRejectedError, DependencyUnavailableError } from '@bounded/http-client';
import { AppError, type RecordEvents, type ServiceContext, UnavailableError } from '@bounded/kernel';
import { type Kysely, keyText, largeText, type Migration } from '@bounded/store';

export type SagaStatus = 'running' | 'completed' | 'compensated';

/** The saga's row, in the service's own database (add `sagaMigrations` to its migrations). */
export interface SagaTables {
  bounded_sagas: {
    id: string;
    saga: string;
    correlation: string;
    request_key: string | null;
    input: string;
    results: string;
    step: number;
    status: SagaStatus;
    in_doubt: number;
    outcome: string | null;
    failure: string | null;
    traceparent: string | null;
    lease_owner: string | null;
    lease_until: number;
    created_at: number;
    updated_at: number;
  };
}

export const sagaMigrations: Record<string, Migration> = {
  '0000_bounded_sagas': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run before the tables have types
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('bounded_sagas')
        .addColumn('id', keyText, (c) => c.primaryKey())
        .addColumn('saga', keyText, (c) => c.notNull())
        .addColumn('correlation', keyText, (c) => c.notNull())
        .addColumn('request_key', keyText)
        .addColumn('input', largeText(db), (c) => c.notNull())
        .addColumn('results', largeText(db), (c) => c.notNull())
        .addColumn('step', 'integer', (c) => c.notNull())
        .addColumn('status', 'varchar(32)', (c) => c.notNull())
        .addColumn('in_doubt', 'integer', (c) => c.notNull())
        .addColumn('outcome', largeText(db))
        .addColumn('failure', largeText(db))
        .addColumn('traceparent', keyText)
        .addColumn('lease_owner', keyText)
        .addColumn('lease_until', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('bounded_sagas_correlation')
        .on('bounded_sagas')
        .columns(['saga', 'correlation', 'status'])
        .execute();
      await db.schema
        .createIndex('bounded_sagas_request_key')
        .on('bounded_sagas')
        .columns(['saga', 'request_key'])
        .execute();
      await db.schema
        .createIndex('bounded_sagas_running')
        .on('bounded_sagas')
        .columns(['status', 'lease_until'])
        .execute();
    },
  },
};

/** The results of the steps done so far, by step name (JSON values). */
export type StepResults = Readonly<Record<string, unknown>>;

export interface SagaStep<DB, I> {
  readonly name: string;
  /**
   * The step's remote call. `idempotencyKey` is the same on every attempt of this step of this
   * saga: pass it to the callee. `done` holds the earlier steps' results. Rejects with the
   * http-client's errors (a 4xx refusal, or unavailable).
   */
  run(input: I, idempotencyKey: string, done: StepResults): Promise<unknown>;
  /**
   * Undoes this step after a later one failed, inside the compensation's transaction (typically
   * by recording a compensating event). Absent: nothing to undo — e.g. the last step.
   */
  compensate?(trx: Kysely<DB>, record: RecordEvents, input: I, result: unknown): Promise<void>;
}

export interface SagaDefinition<DB, I, O> {
  /** Names the saga in its rows (and in logs). */
  readonly name: string;
  readonly steps: readonly SagaStep<DB, I>[];
  /**
   * Every step succeeded: the service's own state change and events, in one transaction with
   * the saga's end. Its outcome (JSON) is what a repeated request is answered with.
   */
  complete(trx: Kysely<DB>, record: RecordEvents, input: I, results: StepResults): Promise<O>;
  /**
   * Given: `complete` failing (its transaction rolled back) undoes the steps, newest first, and
   * ends the saga compensated; the caller gets the error this returns. Absent: the saga stays
   * running and the resume loop tries to complete it again (the last step asked again first).
   */
  whenCompleteFails?(input: I, error: unknown): Error;
}

export interface StartOptions<DB, I = unknown> {
  /** The business key: one running saga per correlation (e.g. the rental's order id). */
  readonly correlation: string;
  /** The client's Idempotency-Key, when it sent one. */
  readonly requestKey?: string;
  readonly traceparent?: string;
  /**
   * Checks, in the transaction that creates the saga, that it may start (throws a 404/409 to
   * refuse); lock the business row here. Not run when the request replays a finished saga.
   */
  readonly check?: (trx: Kysely<DB>) => Promise<void>;
  /**
   * Whether this request may join (or replay) the existing saga started with `input`: e.g. only
   * the customer who started it. Refused → 503 in progress (or a new saga, for a replay). Default: yes.
   */
  readonly mayJoin?: (input: I) => boolean;
}

export interface Saga<DB, I, O> {
  /** Starts the saga (or replays/joins an existing one, see StartOptions) and drives it to its end. */
  run(input: I, options: StartOptions<DB, I>): Promise<O>;
}

export interface SagaRunnerOptions {
  /** How long a driver holds a saga before another may take it over. Default 5000. */
  readonly leaseMs?: number;
  /** How often running sagas with no live driver are resumed. Default 1000; 0 = never. */
  readonly resumeEveryMs?: number;
  /** Retry-After of the 503 a saga in doubt or busy answers. Default 1. */
  readonly retryAfterSeconds?: number;
  /**
   * How long a finished saga's row is kept (a request repeated with its Idempotency-Key is
   * answered from it) before the resume loop deletes it. Default 24 h.
   */
  readonly keepFinishedMs?: number;
}

export type SagaContext<DB> = Pick<ServiceContext<DB, unknown>, 'command' | 'store' | 'log' | 'onClose'> &
  Partial<Pick<ServiceContext<DB, unknown>, 'app'>>;
type Row = SagaTables['bounded_sagas'];
type Db = Kysely<SagaTables>;

/**
 * Whether a failed call certainly had no effect on the callee: refused (4xx), never sent
 * (breaker open, bulkhead full), never connected (connection refused), or answered 5xx (it failed
 * and rolled back). Timeouts and connections cut mid-call are not certain.
 */
export function certainlyNotDone(error: unknown): boolean {
  if (error instanceof DependencyRejectedError) return true;
  if (!(error instanceof DependencyUnavailableError)) return false;
  if (error.code === 'DEPENDENCY.CIRCUIT_OPEN' || error.code === 'DEPENDENCY.BUSY') return true;
  if (error.code !== 'DEPENDENCY.UNAVAILABLE') return false;
  if (error.calleeStatus !== undefined) return true;
  return (error.cause as { code?: unknown } | undefined)?.code === 'ECONNREFUSED';
}

/**
 * The sagas of one service. `define` them in setup; the runner resumes, every `resumeEveryMs`,
 * the running sagas whose driver went away (a crash, a restart), the first time right after start.
 */
const withAdminRoute = new WeakSet<object>();
const PRUNE_EVERY_MS = 60_000;

export function sagaRunner<DB>(ctx: SagaContext<DB>, options: SagaRunnerOptions = {}) {
  const leaseMs = options.leaseMs ?? 5000;
  const retryAfter = options.retryAfterSeconds ?? 1;
  const db = () => ctx.store.db as unknown as Db;
  // biome-ignore lint/suspicious/noExplicitAny: the definitions' inputs and outcomes differ
  const definitions = new Map<string, SagaDefinition<DB, any, any>>();

  const busy = (row: Pick<Row, 'saga' | 'correlation'>) =>
    new UnavailableError(
      'SAGA.IN_PROGRESS',
      `${row.saga} of ${row.correlation} is in progress; retry shortly for its outcome`,
      retryAfter,
    );

  /** Takes the lease of a running saga; undefined when another driver holds it. */
  async function claim(id: string, owner: string): Promise<Row | undefined> {
    return ctx.command(async (trx) => {
      const t = trx as unknown as Db;
      const row = await t
        .selectFrom('bounded_sagas')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!row) throw new Error(`saga ${id} not found`);
      if (row.status !== 'running') return row;
      const now = Date.now();
      if (Number(row.lease_until) > now && row.lease_owner !== owner) return undefined;
      // Taken over from an earlier driver that did not finish (it crashed, or timed out): it may
      // have sent the current step, so that step is in doubt until its callee answers.
      const inDoubt = row.lease_owner !== null ? 1 : row.in_doubt;
      await t
        .updateTable('bounded_sagas')
        .set({ lease_owner: owner, lease_until: now + leaseMs, in_doubt: inDoubt, updated_at: now })
        .where('id', '=', id)
        .execute();
      return { ...row, lease_owner: owner, in_doubt: inDoubt };
    });
  }

  /** Writes a change of a saga this driver still holds; false when it lost the lease. */
  async function progress(trx: Db, row: Row, owner: string, patch: Partial<Row>): Promise<boolean> {
    const now = Date.now();
    const result = await trx
      .updateTable('bounded_sagas')
      .set({ ...patch, lease_until: patch.lease_until ?? now + leaseMs, updated_at: now })
      .where('id', '=', row.id)
      .where('lease_owner', '=', owner)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  function outcomeOf<O>(row: Row): O {
    if (row.status === 'completed') return JSON.parse(row.outcome ?? 'null') as O;
    if (row.status === 'compensated') {
      // Joined a saga another driver undid: answer what that driver answered (a 503, a 404 …).
      const failure = JSON.parse(row.failure ?? '{}') as { status?: number; code?: string; message?: string };
      const status = failure.status ?? 503;
      throw new AppError(
        status,
        failure.code ?? 'SAGA.COMPENSATED',
        failure.message ?? `${row.saga} of ${row.correlation} was undone`,
        status === 503 ? { retryAfterSeconds: retryAfter } : {},
      );
    }
    throw busy(row);
  }

  async function compensate<I>(
    def: SagaDefinition<DB, I, unknown>,
    row: Row,
    owner: string,
    results: Record<string, unknown>,
    error: unknown,
  ): Promise<void> {
    const input = JSON.parse(row.input) as I;
    const e = error as { status?: number; code?: string; message?: string };
    const failure = JSON.stringify({ status: e.status, code: e.code, message: e.message });
    await ctx.command(async (trx, record) => {
      const done = def.steps.slice(0, row.step).reverse();
      if (!(await progress(trx as unknown as Db, row, owner, { status: 'compensated', failure }))) {
        throw busy(row);
      }
      for (const step of done) await step.compensate?.(trx, record, input, results[step.name]);
    }, row.traceparent ?? undefined);
    ctx.log.warn(
      {
        saga: row.saga,
        sagaId: row.id,
        correlation: row.correlation,
        step: def.steps[row.step]?.name,
        err: error,
      },
      'saga step failed; earlier steps compensated',
    );
  }

  /** Drives a saga from where it stands to its end (or to a step in doubt). */
  async function drive<O>(id: string, held?: Row): Promise<O> {
    const owner = held?.lease_owner ?? randomUUID();
    let row = held ?? (await claim(id, owner));
    if (!row) {
      const current = await db()
        .selectFrom('bounded_sagas')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      throw busy(current);
    }
    const def = definitions.get(row.saga) as SagaDefinition<DB, unknown, O> | undefined;
    if (!def) throw new Error(`no saga named ${row.saga}`);
    const input = JSON.parse(row.input) as unknown;
    const results = JSON.parse(row.results) as Record<string, unknown>;

    while (row.status === 'running' && row.step < def.steps.length) {
      const step = def.steps[row.step]!;
      let result: unknown;
      // A live driver keeps its lease while it waits for a slow step: only a dead one loses it.
      const held = row;
      let renewing: Promise<unknown> = Promise.resolve();
      const renew = setInterval(() => {
        renewing = ctx.command((trx) => progress(trx as unknown as Db, held, owner, {})).catch(() => {});
      }, leaseMs / 3);
      const stopRenewing = async () => {
        clearInterval(renew);
        await renewing;
      };
      try {
        result = await step.run(input, `${row.id}:${step.name}`, results);
        await stopRenewing();
      } catch (error) {
        await stopRenewing();
        if (error instanceof DependencyRejectedError || (certainlyNotDone(error) && row.in_doubt === 0)) {
          await compensate(def, row, owner, results, error);
          throw error;
        }
        // In doubt: it may have happened. Let the next driver (retry, resume loop) ask again at once.
        await ctx.command((trx) =>
          progress(trx as unknown as Db, held, owner, { in_doubt: 1, lease_until: 0 }),
        );
        // Said once at warn; the resume loop's later attempts (every resumeEveryMs) at debug.
        ctx.log[row.in_doubt === 0 ? 'warn' : 'debug'](
          { saga: row.saga, sagaId: row.id, correlation: row.correlation, step: step.name, err: error },
          'saga step in doubt; it will be asked again under the same key (GET /admin/sagas)',
        );
        throw new UnavailableError(
          'SAGA.IN_DOUBT',
          `${row.saga} of ${row.correlation} is waiting for ${step.name} to answer; retry shortly`,
          retryAfter,
        );
      }
      results[step.name] = result ?? null;
      const next: Row = { ...row, step: row.step + 1, in_doubt: 0, results: JSON.stringify(results) };
      // The last step's result is committed with the saga's end (one transaction less): if this
      // process dies before, the step is asked again under its key and answers the same.
      if (next.step < def.steps.length) {
        const held = row;
        const kept = await ctx.command((trx) =>
          progress(trx as unknown as Db, held, owner, {
            step: next.step,
            in_doubt: 0,
            results: next.results,
          }),
        );
        if (!kept) return settledBy<O>(row.id);
      }
      row = next;
    }
    if (row.status !== 'running') return outcomeOf<O>(row);

    const finished = row;
    const lost = new Error('the lease of this saga was lost');
    const outcome = await ctx
      .command(async (trx, record) => {
        const outcome = await def.complete(trx, record, input, results);
        const stored = {
          status: 'completed' as const,
          outcome: JSON.stringify(outcome ?? null),
          step: finished.step,
          in_doubt: 0,
          results: finished.results,
        };
        // Lost the lease (this driver was slower than leaseMs): roll back, the other driver decides.
        if (!(await progress(trx as unknown as Db, finished, owner, stored))) throw lost;
        return outcome;
      }, row.traceparent ?? undefined)
      .catch(async (error: unknown) => {
        if (error === lost) return lost;
        if (!def.whenCompleteFails) throw error;
        const refusal = def.whenCompleteFails(input, error);
        ctx.log.error(
          { saga: row.saga, sagaId: row.id, correlation: row.correlation, err: error },
          'saga could not complete; its steps are being compensated',
        );
        await compensate(def, finished, owner, results, refusal);
        throw refusal;
      });
    return outcome === lost ? settledBy<O>(finished.id) : (outcome as O);
  }

  /**
   * This driver lost the lease to another (it was slower than leaseMs): answer with what the
   * saga has come to — its outcome, its failure, or "in progress" while the other still drives it.
   */
  async function settledBy<O>(id: string): Promise<O> {
    return outcomeOf<O>(
      await db().selectFrom('bounded_sagas').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
    );
  }

  /** Finds what a new request should drive: a replay, a saga to join, or a new one. */
  async function begin<I>(
    name: string,
    input: I,
    options: StartOptions<DB, I>,
  ): Promise<{ replay: Row } | { join: string } | { held: Row }> {
    return ctx.command(async (trx) => {
      const t = trx as unknown as Db;
      const mayJoin = (row: Row) => options.mayJoin?.(JSON.parse(row.input) as I) ?? true;
      if (options.requestKey !== undefined) {
        const same = await t
          .selectFrom('bounded_sagas')
          .selectAll()
          .where('saga', '=', name)
          .where('request_key', '=', options.requestKey)
          .orderBy('created_at', 'desc')
          .executeTakeFirst();
        if (same?.status === 'completed' && mayJoin(same)) return { replay: same };
        if (same?.status === 'running' && mayJoin(same)) return { join: same.id };
        // compensated: the client tries again, and so does the saga (a new attempt).
      }
      // Before the lookup below: a check that locks the business row (FOR UPDATE) makes two
      // starts for one correlation take turns on PostgreSQL/MySQL too, so the later one joins.
      await options.check?.(trx);
      const running = await t
        .selectFrom('bounded_sagas')
        .selectAll()
        .where('saga', '=', name)
        .where('correlation', '=', options.correlation)
        .where('status', '=', 'running')
        .forUpdate()
        .executeTakeFirst();
      if (running) {
        if (!mayJoin(running)) throw busy(running);
        return { join: running.id };
      }
      const now = Date.now();
      // Started held by this request's driver: no second transaction to take the lease.
      const row: Row = {
        id: randomUUID(),
        saga: name,
        correlation: options.correlation,
        request_key: options.requestKey ?? null,
        input: JSON.stringify(input),
        results: '{}',
        step: 0,
        status: 'running',
        in_doubt: 0,
        outcome: null,
        failure: null,
        traceparent: options.traceparent ?? null,
        lease_owner: randomUUID(),
        lease_until: now + leaseMs,
        created_at: now,
        updated_at: now,
      };
      await t.insertInto('bounded_sagas').values(row).execute();
      return { held: row };
    });
  }

  /** One round of the resume loop: every running saga nobody holds, one after the other. */
  async function resumeStalled(): Promise<number> {
    const stalled = await db()
      .selectFrom('bounded_sagas')
      .select('id')
      .where('status', '=', 'running')
      .where('lease_until', '<', Date.now())
      .orderBy('created_at')
      .limit(100)
      .execute();
    for (const { id } of stalled) {
      await drive(id).catch((error: unknown) => {
        if ((error as { code?: string }).code === 'SAGA.IN_PROGRESS') return;
        ctx.log.debug({ sagaId: id, err: error }, 'resumed saga not finished yet');
      });
    }
    return stalled.length;
  }

  /** Deletes finished sagas past keepFinishedMs, a bounded batch at a time (one row per order). */
  const keepFinishedMs = options.keepFinishedMs ?? 24 * 3600_000;
  let prunedAt = 0;
  async function pruneFinished(): Promise<void> {
    if (Date.now() - prunedAt < PRUNE_EVERY_MS) return;
    prunedAt = Date.now();
    // lease_until is the time of the last change plus leaseMs: the (status, lease_until) index.
    const old = await db()
      .selectFrom('bounded_sagas')
      .select('id')
      .where('status', 'in', ['completed', 'compensated'])
      .where('lease_until', '<', Date.now() - keepFinishedMs)
      .limit(1000)
      .execute();
    if (old.length === 0) return;
    await db()
      .deleteFrom('bounded_sagas')
      .where(
        'id',
        'in',
        old.map((r) => r.id),
      )
      .execute();
  }

  const every = options.resumeEveryMs ?? 1000;
  if (every > 0) {
    let stopped = false;
    let round: Promise<unknown> = Promise.resolve();
    const tick = () => {
      if (stopped) return;
      round = resumeStalled()
        .then(pruneFinished)
        .catch((error: unknown) => {
          if (!stopped) ctx.log.error({ err: error }, 'saga resume round failed');
        })
        .finally(() => {
          if (!stopped) timer = setTimeout(tick, every);
        });
    };
    let timer = setTimeout(tick, Math.min(every, 200));
    ctx.onClose({
      name: 'saga resume loop',
      close: async () => {
        stopped = true;
        clearTimeout(timer);
        await round;
      },
    });
  }

  // Operators see the sagas not finished (running, in doubt) beside the parked events.
  if (ctx.app && !withAdminRoute.has(ctx.app)) {
    withAdminRoute.add(ctx.app);
    ctx.app.get('/admin/sagas', async () => ({ running: await unfinished() }));
  }

  async function unfinished() {
    const rows = await db()
      .selectFrom('bounded_sagas')
      .select(['id', 'saga', 'correlation', 'step', 'in_doubt', 'lease_until', 'created_at', 'updated_at'])
      .where('status', '=', 'running')
      .orderBy('created_at')
      .limit(1000)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      saga: r.saga,
      correlation: r.correlation,
      step: definitions.get(r.saga)?.steps[r.step]?.name ?? r.step,
      inDoubt: Number(r.in_doubt) === 1,
      heldUntil: Number(r.lease_until) > Date.now() ? new Date(Number(r.lease_until)).toISOString() : null,
      startedAt: new Date(Number(r.created_at)).toISOString(),
      updatedAt: new Date(Number(r.updated_at)).toISOString(),
    }));
  }

  return {
    define<I, O>(definition: SagaDefinition<DB, I, O>): Saga<DB, I, O> {
      definitions.set(definition.name, definition);
      return {
        async run(input, options) {
          const begun = await begin<I>(definition.name, input, options);
          if ('replay' in begun) return outcomeOf<O>(begun.replay);
          if ('join' in begun) return drive<O>(begun.join);
          return drive<O>(begun.held.id, begun.held);
        },
      };
    },
    resumeStalled,
  };
}
