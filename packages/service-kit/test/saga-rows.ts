import type { SagaTables } from '../src/saga.ts';

type SagaRow = SagaTables['bounded_sagas'];

/**
 * A saga's row as the tests plant it: by default running and held by a driver that died (its
 * lease about to run out), as `kill -9` leaves one; `patch` says what differs.
 */
export function plantedSaga(patch: Partial<SagaRow> & Pick<SagaRow, 'id' | 'saga' | 'input'>): SagaRow {
  const now = Date.now();
  return {
    correlation: patch.id,
    request_key: null,
    results: '{}',
    step: 0,
    status: 'running',
    in_doubt: 0,
    outcome: null,
    failure: null,
    traceparent: null,
    lease_owner: 'a-dead-process',
    lease_until: now + 200,
    created_at: now,
    updated_at: now,
    ...patch,
  };
}
