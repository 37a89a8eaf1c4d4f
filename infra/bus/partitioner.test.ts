import { Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { keyedPartitioner } from './kafka.js';
import { partitionFor } from './partitioner.js';

describe('partitionFor', () => {
  it("places a key on the partition Kafka's default partitioner picks, as the Kafka bus's producer does", () => {
    const kafkaPartitioner = Partitioners.DefaultPartitioner();
    const busPartitioner = keyedPartitioner();
    const partitionMetadata = Array.from({ length: 6 }, (_, i) => ({
      partitionId: i,
      leader: 0,
      replicas: [0],
      isr: [0],
      partitionErrorCode: 0,
    }));
    for (const key of [
      '',
      'a',
      'ab',
      'abc',
      'abcd',
      '203.0.113.7',
      '0123456789abcdef0123456789abcdef',
      'ключ',
      'key:🔑',
    ]) {
      const expected = kafkaPartitioner({ topic: 't', partitionMetadata, message: { key, value: null } });
      expect(
        partitionFor(key, 6, () => 0),
        key,
      ).toBe(expected);
      expect(busPartitioner({ topic: 't', partitionMetadata, message: { key, value: null } }), key).toBe(
        expected,
      );
    }
  });

  it('spreads keyless messages round-robin', () => {
    let n = 0;
    const next = () => n++;
    expect([0, 1, 2, 3].map(() => partitionFor(null, 3, next))).toEqual([0, 1, 2, 0]);
  });
});
