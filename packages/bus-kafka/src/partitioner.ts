/**
 * Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), 32-bit signed result, as the
 * Java client's default partitioner uses it: a key lands on
 * `toPositive(murmur2(utf8(key))) % partitions`, so a TypeScript producer and a Java producer
 * (Spring Cloud Stream, plain KafkaProducer) put the same key on the same partition.
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const m = 0x5bd1e995;
  const r = 24;
  let h = (0x9747b28c ^ length) | 0;
  const fours = length & ~3;
  for (let i = 0; i < fours; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  switch (length & 3) {
    // biome-ignore lint/suspicious/noFallthroughSwitchClause: the Java original falls through
    case 3:
      h ^= data[fours + 2] << 16;
    // biome-ignore lint/suspicious/noFallthroughSwitchClause: the Java original falls through
    case 2:
      h ^= data[fours + 1] << 8;
    case 1:
      h ^= data[fours];
      h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** Java's `Utils.toPositive(Utils.murmur2(key)) % partitions` for a UTF-8 key. */
export function javaPartition(key: string | Uint8Array, partitions: number): number {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  return (murmur2(bytes) & 0x7fffffff) % partitions;
}
