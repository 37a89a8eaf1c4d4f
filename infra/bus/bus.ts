/**
 * The message bus every stage talks through. Two implementations pass one conformance suite
 * (test/helpers/bus-conformance.ts): Kafka for production, in-process memory for the embedded default.
 */

export interface OutgoingMessage {
  key: string | null;
  /** null is a tombstone on a compacted topic. */
  value: Buffer | string | null;
  headers?: Record<string, string>;
}

export interface BusMessage {
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit; kept as a decimal string as kafkajs does. */
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Broker/producer timestamp in ms, not event time. */
  timestamp: number;
}

export interface Batch {
  topic: string;
  partition: number;
  messages: BusMessage[];
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface ConsumeOptions {
  groupId: string;
  topics: string[];
  /** Where a group with no committed offset starts. */
  fromBeginning?: boolean;
  /**
   * Called with messages of one partition, in order. The batch's offsets are committed only after
   * the returned promise resolves; a rejection is retried with back-off (the handler must be idempotent).
   */
  onBatch: (batch: Batch) => Promise<void>;
  /** The partitions this member now owns, after every rebalance. */
  onAssignment?: (assigned: TopicPartition[]) => void | Promise<void>;
  /**
   * Batches of different partitions processed at once (default 1). Only for handlers whose
   * per-partition work is independent; order within a partition is kept either way.
   */
  concurrency?: number;
}

export interface Subscription {
  stop(): Promise<void>;
}

export interface TailOptions {
  topic: string;
  /** Called for every record from the start of the topic, then live; not part of any consumer group's commits. */
  onMessage: (message: BusMessage) => void | Promise<void>;
  /** Called once all records present at subscription time have been delivered. */
  onCaughtUp?: () => void;
}

export interface Bus {
  readonly kind: 'kafka' | 'memory';
  /** Creates the design's topics (idempotent). */
  ensureTopics(): Promise<void>;
  /** Resolves when every message is acknowledged (acks=all on Kafka). */
  send(topic: string, messages: OutgoingMessage[]): Promise<void>;
  consume(options: ConsumeOptions): Promise<Subscription>;
  /** Reads a whole topic from the beginning and follows it: how every gateway learns revocations. */
  tail(options: TailOptions): Promise<Subscription>;
  /** True when the bus can serve requests now (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
