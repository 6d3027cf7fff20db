import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseNatsUrl } from '../src/index.ts';

describe('parseNatsUrl', () => {
  it('reads servers and numeric options', () => {
    assert.deepEqual(parseNatsUrl('nats://127.0.0.1:4222'), { servers: ['nats://127.0.0.1:4222'] });
    assert.deepEqual(parseNatsUrl('nats://a:4222,b:4222,nats://c:4222?partitions=16&leaseMs=3000'), {
      servers: ['nats://a:4222', 'nats://b:4222', 'nats://c:4222'],
      partitions: 16,
      leaseMs: 3000,
    });
  });

  it('names what is wrong', () => {
    assert.throws(() => parseNatsUrl('kafka://x:1'), /expected nats:\/\//);
    assert.throws(() => parseNatsUrl('nats://'), /no server/);
    assert.throws(() => parseNatsUrl('nats://x:1?bogus=1'), /unknown option bogus/);
    assert.throws(() => parseNatsUrl('nats://x:1?leaseMs=soon'), /leaseMs must be a positive integer/);
  });
});
