import { describe, expect, it } from 'vitest';
import { PartitionPositions } from './partition-positions.js';

const rec = (partition: number, offset: number, topic = 't') => ({
  topic,
  partition,
  offset: BigInt(offset),
});

describe('PartitionPositions', () => {
  it('groups owned records by partition in arrival order', () => {
    const p = new PartitionPositions();
    p.assign([
      { topic: 't', partition: 0 },
      { topic: 't', partition: 1 },
    ]);
    const batches = p.batches([rec(0, 0), rec(1, 0), rec(0, 1), rec(1, 1)]);
    expect(batches.map((b) => [b.partition, b.messages.map((m) => m.offset)])).toEqual([
      [0, [0n, 1n]],
      [1, [0n, 1n]],
    ]);
  });

  it('drops records of partitions lost in a rebalance', () => {
    const p = new PartitionPositions();
    p.assign([
      { topic: 't', partition: 0 },
      { topic: 't', partition: 1 },
    ]);
    p.assign([{ topic: 't', partition: 1 }]);
    expect(p.owns('t', 0)).toBe(false);
    expect(p.batches([rec(0, 0), rec(1, 0), rec(0, 0, 'other')]).map((b) => b.partition)).toEqual([1]);
  });

  it('drops records already handled when the stream re-reads from an older commit', () => {
    const p = new PartitionPositions();
    p.assign([{ topic: 't', partition: 0 }]);
    p.handled('t', 0, 4n);
    expect(p.batches([rec(0, 3), rec(0, 4), rec(0, 5), rec(0, 6)])[0]!.messages.map((m) => m.offset)).toEqual(
      [5n, 6n],
    );
  });

  it('forgets the position of a lost partition: assigned back, it reads again from the commit', () => {
    const p = new PartitionPositions();
    p.assign([{ topic: 't', partition: 0 }]);
    p.handled('t', 0, 9n);
    p.assign([]);
    p.assign([{ topic: 't', partition: 0 }]);
    expect(p.batches([rec(0, 5)])[0]!.messages).toHaveLength(1);
  });
});
