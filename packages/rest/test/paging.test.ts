import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parsePaging, RequestInvalidError } from '../src/index.ts';

const sortable = ['qty', 'status', 'createdAt'];

function invalid(fn: () => unknown): RequestInvalidError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof RequestInvalidError);
    assert.equal(error.status, 400);
    assert.equal(error.code, 'REQUEST.INVALID');
    return error;
  }
  assert.fail('expected RequestInvalidError');
}

describe('parsePaging', () => {
  test('defaults: page 0, size 20, no sort', () => {
    assert.deepEqual(parsePaging({}, { sortable }), { page: 0, size: 20, offset: 0, sort: [] });
    assert.deepEqual(parsePaging({ page: '', size: '' }, { sortable, defaultSize: 5 }), {
      page: 0,
      size: 5,
      offset: 0,
      sort: [],
    });
  });

  test('page and size give the offset; numbers and strings both work', () => {
    assert.deepEqual(parsePaging({ page: '3', size: '10' }, { sortable }), {
      page: 3,
      size: 10,
      offset: 30,
      sort: [],
    });
    assert.deepEqual(parsePaging({ page: 2, size: 7 }, { sortable }).offset, 14);
  });

  test('size above maxSize is clamped, as Spring does', () => {
    assert.equal(parsePaging({ size: '5000' }, { sortable }).size, 1000);
    assert.equal(parsePaging({ size: '50' }, { sortable, maxSize: 10 }).size, 10);
  });

  test('sort=field,desc, repeatable, direction defaults to asc and is case-insensitive', () => {
    assert.deepEqual(parsePaging({ sort: ['qty,desc', 'status'] }, { sortable }).sort, [
      { field: 'qty', direction: 'desc' },
      { field: 'status', direction: 'asc' },
    ]);
    assert.deepEqual(parsePaging({ sort: 'createdAt,DESC' }, { sortable }).sort, [
      { field: 'createdAt', direction: 'desc' },
    ]);
    // several fields sharing one direction; a repeated field keeps its first order
    assert.deepEqual(parsePaging({ sort: ['status,qty,desc', 'qty,asc'] }, { sortable }).sort, [
      { field: 'status', direction: 'desc' },
      { field: 'qty', direction: 'desc' },
    ]);
    assert.deepEqual(parsePaging({ sort: ['', ','] }, { sortable }).sort, []);
  });

  test('repeated page/size: the first value wins', () => {
    assert.deepEqual(parsePaging({ page: ['1', '2'], size: ['4', '8'] }, { sortable }).offset, 4);
  });

  test('invalid page and size throw 400 REQUEST.INVALID listing each field', () => {
    for (const page of ['-1', 'abc', '1.5', '1e3', ' ']) {
      const e = invalid(() => parsePaging({ page }, { sortable }));
      assert.deepEqual(
        e.fields.map((f) => f.field),
        ['page'],
      );
    }
    for (const size of ['0', '-5', 'ten']) {
      assert.deepEqual(
        invalid(() => parsePaging({ size }, { sortable })).fields.map((f) => f.field),
        ['size'],
      );
    }
    const both = invalid(() => parsePaging({ page: 'x', size: 'y', sort: 'nope' }, { sortable }));
    assert.deepEqual(
      both.fields.map((f) => f.field),
      ['page', 'size', 'sort'],
    );
    assert.match(both.message, /page, size, sort/);
  });

  test('sorting by a field not in sortable throws 400 naming the sortable fields', () => {
    const e = invalid(() => parsePaging({ sort: ['qty,desc', 'password'] }, { sortable }));
    assert.deepEqual(e.fields, [
      { field: 'sort', message: "cannot sort by 'password'; sortable: qty, status, createdAt" },
    ]);
    invalid(() => parsePaging({ sort: 'desc' }, { sortable }));
    invalid(() => parsePaging({ sort: 'qty' }, { sortable: [] }));
  });

  test('a page so large the offset overflows is rejected', () => {
    invalid(() => parsePaging({ page: '999999999999999', size: '1000' }, { sortable }));
  });
});
