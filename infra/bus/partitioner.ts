/**
 * Kafka's default partitioner (murmur2 of the key, positive, modulo the partition count), so the
 * in-process bus places a key on the same partition Kafka would and partitioned state behaves alike.
 */
export function partitionFor(key: string | null, partitions: number, roundRobin: () => number): number {
  if (key === null) return roundRobin() % partitions;
  return keyHash(key) % partitions;
}

/** The non-negative hash Kafka's default partitioner takes modulo the partition count. */
export function keyHash(key: string): number {
  return murmur2(Buffer.from(key)) & 0x7fffffff;
}

function murmur2(data: Buffer): number {
  const m = 0x5bd1e995;
  const seed = 0x9747b28c;
  let h = seed ^ data.length;
  const len4 = data.length & ~3;
  for (let i = 0; i < len4; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = data.length & 3;
  if (rest === 3) h ^= data[len4 + 2]! << 16;
  if (rest >= 2) h ^= data[len4 + 1]! << 8;
  if (rest >= 1) {
    h ^= data[len4]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h;
}
