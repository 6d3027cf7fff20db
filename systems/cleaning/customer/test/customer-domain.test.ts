import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { messageFor, retryDelay } from '../src/domain/notification.ts';
import { emptyHistory, project } from '../src/views/cleaning-history.ts';

const line = { orderId: 4, customerId: 'customer1', tel: '010', location: 'seoul', cost: 100 };

describe('what the customer sees and is told', () => {
  it('history follows the request forward only, with the cleaner once assigned', () => {
    let row = project(emptyHistory(4), 'CleanCalled', { id: 4, ...line, status: 'Requested' });
    assert.deepEqual(
      [row.status, row.location, row.cost, row.customerId],
      ['Requested', 'seoul', 100, 'customer1'],
    );
    row = project(row, 'CleanerAssigned', { ...line, cleanerName: 'Kim', cleanerTel: '0101' });
    assert.deepEqual([row.status, row.cleanerName, row.cleanerTel], ['Confirmed', 'Kim', '0101']);
    row = project(row, 'CleanCallCancelled', line);
    assert.equal(row.status, 'Cancelled');
    assert.equal(
      project(row, 'CleanerAssigned', { ...line, cleanerName: 'Lee', cleanerTel: '9' }).cleanerName,
      'Kim',
    );
    assert.equal(project(row, 'CleanCalled', line).status, 'Cancelled');
  });

  it('one message per request and kind, with the cleaner when there is one; none for other events', () => {
    const m = messageFor('CleanerAssigned', {
      ...line,
      cleanerId: 1,
      cleanerName: 'Kim',
      cleanerTel: '0101',
    });
    assert.equal(m?.messageId, '4-Confirmed');
    assert.match(m!.text, /Kim \(tel 0101\)/);
    assert.equal(messageFor('NoCleanerAvailable', line)?.messageId, '4-NoCleanerAvailable');
    assert.equal(messageFor('CleanCallCancelled', line)?.kind, 'Cancelled');
    assert.equal(messageFor('CleanCalled', line), undefined);
    assert.equal(messageFor('AssignmentRequested', line), undefined);
  });

  it('retries back off, doubling up to the cap', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 10].map((n) => retryDelay(n, 100, 1000)),
      [100, 200, 400, 800, 1000],
    );
  });
});
