import type { TopicPartition } from './bus.js';

interface Positioned {
  topic: string;
  partition: number;
  offset: bigint;
}

export interface PartitionBatch<M> {
  topic: string;
  partition: number;
  messages: M[];
}

/**
 * What a group member owns and how far it has handled each partition, for a client that hands over
 * one stream of records: after a rebalance the stream may still hold records of partitions now owned
 * by another member (dropped: the new owner reads them from the committed offset), and it re-reads
 * owned partitions from their committed offset (records already handled are dropped, not redelivered).
 */
export class PartitionPositions {
  private owned = new Set<string>();
  private readonly next = new Map<string, bigint>();

  assign(assigned: TopicPartition[]): void {
    this.owned = new Set(assigned.map((tp) => `${tp.topic}\0${tp.partition}`));
    for (const key of this.next.keys()) if (!this.owned.has(key)) this.next.delete(key);
  }

  owns(topic: string, partition: number): boolean {
    return this.owned.has(`${topic}\0${partition}`);
  }

  /** The records still to handle, grouped by partition in arrival order. */
  batches<M extends Positioned>(messages: M[]): PartitionBatch<M>[] {
    const batches = new Map<string, PartitionBatch<M>>();
    for (const m of messages) {
      const key = `${m.topic}\0${m.partition}`;
      if (!this.owned.has(key) || m.offset < (this.next.get(key) ?? 0n)) continue;
      let batch = batches.get(key);
      if (!batch) {
        batch = { topic: m.topic, partition: m.partition, messages: [] };
        batches.set(key, batch);
      }
      batch.messages.push(m);
    }
    return [...batches.values()];
  }

  /** Records that everything up to `offset` of the partition was handled. */
  handled(topic: string, partition: number, offset: bigint): void {
    const key = `${topic}\0${partition}`;
    if (this.owned.has(key)) this.next.set(key, offset + 1n);
  }
}
