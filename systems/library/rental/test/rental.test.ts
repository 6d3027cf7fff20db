/** The Rental aggregate's decisions: given a rental → when a request or a rejection → then state and events, or a refusal. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIRECT } from '@bounded/service-kit';
import { memberFor, type Rental, reject, request, reserve } from '../src/domain/rental.ts';

const reserved = (): Rental => {
  const d = reserve(7, 'customer1', 2);
  assert.ok(d.ok);
  return d.state;
};
const as = (reqState: Rental['reqState']): Rental => ({ ...reserved(), reqState });

describe('Rental', () => {
  it('a reservation is reserved and announces Reserved with the whole line', () => {
    const d = reserve(7, 'customer1', 2);
    assert.ok(d.ok);
    assert.equal(d.state.reqState, 'reserve');
    assert.deepEqual(d.events, [
      {
        type: 'Reserved',
        data: { rentalId: 7, memberId: 'customer1', bookId: 2, id: 7, reqState: 'reserve' },
      },
    ]);
  });

  it('reserve → rental → return; reserve → cancel, each with its event', () => {
    const rented = request(reserved(), 'rental');
    assert.ok(rented.ok);
    assert.equal(rented.events[0]!.type, 'Rentaled');
    const returned = request(rented.state, 'return');
    assert.ok(returned.ok);
    assert.equal(returned.state.reqState, 'return');
    assert.equal(returned.events[0]!.type, 'Returned');
    const cancelled = request(reserved(), 'cancel');
    assert.ok(cancelled.ok);
    assert.equal(cancelled.events[0]!.type, 'RentalCancelled');
  });

  it('refuses what the state does not allow, saying what it allows', () => {
    const cases: Array<[Rental['reqState'], 'rental' | 'return' | 'cancel', RegExp]> = [
      ['reserve', 'return', /allows only reqState=rental or reqState=cancel/],
      ['rental', 'rental', /allows only reqState=return/],
      ['rental', 'cancel', /allows only reqState=return/],
      ['return', 'cancel', /finished/],
      ['cancel', 'rental', /cancelled .* finished/],
      ['rejected', 'rental', /rejected .* finished/],
    ];
    for (const [state, wanted, message] of cases) {
      const d = request(as(state), wanted);
      assert.ok(!d.ok, `${wanted} from ${state}`);
      assert.equal(d.rejection.code, 'RENTAL.ILLEGAL_TRANSITION');
      assert.match(d.rejection.message, message);
    }
  });

  it('a rejection ends reserved, rented and even returned rentals rejected; not a cancelled one', () => {
    for (const state of ['reserve', 'rental', 'return'] as const) {
      const d = reject(as(state), 'reserved');
      assert.ok(d.ok, state);
      assert.equal(d.state.reqState, 'rejected');
      assert.equal(d.state.rejectReason, 'reserved');
      assert.equal(d.events[0]!.type, 'RentalRejected');
    }
    assert.ok(!reject(as('cancel'), 'unknown').ok, 'cancelled first: already refunded');
    assert.ok(!reject(as('rejected'), 'unknown').ok, 'twice: a no-op');
  });

  it('the member is the caller through the gateway; another member is refused; direct calls name them', () => {
    const user = { kind: 'user', name: 'customer1', isAdmin: false, roles: ['customer'] } as const;
    assert.deepEqual(memberFor(user, undefined), { ok: true, memberId: 'customer1' });
    assert.deepEqual(memberFor(user, 'customer1'), { ok: true, memberId: 'customer1' });
    const refused = memberFor(user, 'customer2');
    assert.ok(!refused.ok);
    assert.equal(refused.code, 'RENTAL.NOT_YOURS');
    assert.deepEqual(memberFor(DIRECT, '2'), { ok: true, memberId: '2' });
    assert.deepEqual(memberFor(DIRECT, undefined), { ok: true, memberId: undefined });
  });
});
