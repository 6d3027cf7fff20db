import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasRole, identityOf, MissingIdentityError, requireIdentity } from '../src/identity.ts';

test('identityOf reads the gateway headers', () => {
  const id = identityOf({
    headers: { 'x-user-id': 'store1', 'x-user-roles': 'store, admin', 'x-user-name': 'Store' },
  });
  assert.deepEqual(id, { userId: 'store1', name: 'Store', roles: ['store', 'admin'], isAdmin: true });
  assert.equal(identityOf({ headers: { 'x-user-id': 'c1', 'x-user-roles': '' } })?.isAdmin, false);
  assert.equal(identityOf({ headers: {} }), undefined);
  assert.throws(() => requireIdentity({ headers: {} }), MissingIdentityError);
  assert.equal(
    hasRole(identityOf({ headers: { 'x-user-id': 'a', 'x-user-roles': 'admin' } }), 'store'),
    true,
  );
  assert.equal(
    hasRole(identityOf({ headers: { 'x-user-id': 'r', 'x-user-roles': 'rider' } }), 'store'),
    false,
  );
});
