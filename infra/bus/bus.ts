/**
 * The message bus every stage talks through. Two implementations pass one conformance suite
 * (test/helpers/bus-conformance.ts): Kafka for production, in-process memory for the embedded default.
 */

export interface OutgoingMessage {
  key: string | null;
  /** null is a tombstone on a compacted topic. */
  value: Buffer | string | null;
  headers?: Record<string, string>;
  /** Puts the message on this partition instead of the key's: a record meant for every partition. */
  partition?: number;
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
   * Called with messages of one partition, in order. A rejection is retried with back-off (the handler
   * must be idempotent). With `commits: 'batch'` the batch's offsets are committed once it resolves.
   */
  onBatch: (batch: Batch) => Promise<void>;
  /**
   * `batch` (default): the bus commits past each batch its handler finished. `manual`: the bus never
   * commits; the consumer commits with `Subscription.commit` what it has made durable by its own means
   * (a state snapshot), so a restart resumes there and what came after is delivered again.
   */
  commits?: 'batch' | 'manual';
  /** The partitions this member now owns, after every rebalance. */
  onAssignment?: (assigned: TopicPartition[]) => void | Promise<void>;
  /**
   * Batches of different partitions processed at once (default 1). Only for handlers whose
   * per-partition work is independent; order within a partition is kept either way.
   */
  concurrency?: number;
}

/** A record's position: `offset` is the last record handled, the group resumes after it. */
export interface Position extends TopicPartition {
  offset: string;
}

export interface Subscription {
  stop(): Promise<void>;
}

/** A consumer group member's subscription. */
export interface GroupSubscription extends Subscription {
  /**
   * Commits the group's positions (only partitions this member owns should be given). Resolves once
   * the broker accepted them; a failure is thrown, and a later commit supersedes it.
   */
  commit(positions: Position[]): Promise<void>;
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
  consume(options: ConsumeOptions): Promise<GroupSubscription>;
  /** Reads a whole topic from the beginning and follows it: how every gateway learns revocations. */
  tail(options: TailOptions): Promise<Subscription>;
  /** Each partition's end offset (the offset its next record will get), for the partitions given. */
  endOffsets(topic: string, partitions: number[]): Promise<Map<number, bigint>>;
  /** True when the bus can serve requests now (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
