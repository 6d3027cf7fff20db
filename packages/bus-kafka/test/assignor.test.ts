import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignCooperative, type Claims, decodeClaims, encodeClaims } from '../src/assignor.ts';
import { parseKafkaUrl } from '../src/url.ts';

const claims = (generation: number, owned: number[] = []): Claims => ({
  generation,
  owned: new Map([['t', owned]]),
});
const assign = (members: Array<[string, Claims]>, count = 8) =>
  Object.fromEntries(
    [
      ...assignCooperative(
        members.map(([memberId, c]) => ({ memberId, topics: ['t'], claims: c })),
        new Map([['t', count]]),
      ),
    ].map(([id, topics]) => [id, topics.get('t') ?? []]),
  );

describe('cooperative sticky assignor', () => {
  it('spreads a new group evenly', () => {
    assert.deepEqual(
      assign([
        ['a', claims(-1)],
        ['b', claims(-1)],
        ['c', claims(-1)],
      ]),
      {
        a: [0, 3, 6],
        b: [1, 4, 7],
        c: [2, 5],
      },
    );
  });

  it('withholds what a joiner should get while the old owner still claims it', () => {
    const first = assign([
      ['a', claims(3, [0, 1, 2, 3, 4, 5, 6, 7])],
      ['b', claims(-1)],
    ]);
    assert.deepEqual(first, { a: [0, 1, 2, 3], b: [] }, 'b waits: a must commit and release 4..7 first');
    // a released 4..7 and rejoined: now b gets them; a keeps its own (sticky).
    const second = assign([
      ['a', claims(4, [0, 1, 2, 3])],
      ['b', claims(4)],
    ]);
    assert.deepEqual(second, { a: [0, 1, 2, 3], b: [4, 5, 6, 7] });
  });

  it('gives a leaver’s partitions straight to the others and keeps theirs in place', () => {
    const result = assign([
      ['b', claims(5, [3, 4, 5])],
      ['c', claims(5, [6, 7])],
    ]);
    assert.deepEqual(
      result.b.filter((p) => [3, 4, 5].includes(p)),
      [3, 4, 5],
    );
    assert.deepEqual(
      result.c.filter((p) => [6, 7].includes(p)),
      [6, 7],
    );
    assert.deepEqual([...result.b, ...result.c].sort(), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.equal(Math.abs(result.b.length - result.c.length), 0);
  });

  it('trusts the newest generation when two members claim one partition', () => {
    const result = assign([
      ['old', claims(2, [0, 1])],
      ['new', claims(7, [0, 1, 2, 3])],
    ]);
    assert.ok(!result.old.includes(0) && !result.old.includes(1), JSON.stringify(result));
  });

  it('round-trips claims and ignores user data it cannot read', () => {
    const decoded = decodeClaims(encodeClaims(claims(9, [1, 5])));
    assert.equal(decoded.generation, 9);
    assert.deepEqual(decoded.owned.get('t'), [1, 5]);
    assert.deepEqual(decodeClaims(Buffer.from([0, 1, 2])), { generation: -1, owned: new Map() });
    assert.deepEqual(decodeClaims(null), { generation: -1, owned: new Map() });
  });
});

describe('parseKafkaUrl', () => {
  it('reads brokers (default port 9092) and numeric options', () => {
    assert.deepEqual(parseKafkaUrl('kafka://127.0.0.1:59092,kafka2?partitions=3&sessionTimeoutMs=6000'), {
      brokers: ['127.0.0.1:59092', 'kafka2:9092'],
      partitions: 3,
      sessionTimeoutMs: 6000,
    });
    assert.throws(() => parseKafkaUrl('kafka://h:1?colour=red'), /unknown or bad parameter colour/);
    assert.throws(() => parseKafkaUrl('nats://h:1'), /expected kafka:/);
  });
});
