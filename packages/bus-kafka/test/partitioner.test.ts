import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { javaPartition, murmur2 } from '../src/partitioner.ts';
import { JAVA_VECTORS } from './fixtures/java-vectors.ts';

describe("Java's default partitioner", () => {
  it('murmur2 matches Utils.murmur2 on every tail length, UTF-8 and high bytes', () => {
    for (const [key, hash] of JAVA_VECTORS) assert.equal(murmur2(Buffer.from(key, 'utf8')), hash, key);
  });

  it('puts a key on the partition KafkaProducer picks', () => {
    for (const [key, , of8, of3] of JAVA_VECTORS) {
      assert.equal(javaPartition(key, 8), of8, `${key} of 8`);
      assert.equal(javaPartition(key, 3), of3, `${key} of 3`);
    }
  });
});
