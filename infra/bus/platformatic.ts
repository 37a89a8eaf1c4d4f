/**
 * Production bus on `@platformatic/kafka` 1.x, chosen with `kafka.client: platformatic`
 * (`GATEHOUND_KAFKA_CLIENT=platformatic`). Same contract and conformance suite as the kafkajs bus
 * (kafka.ts, the default); it exists because kafkajs caps producing at ~65k messages/s here, while
 * this client produces about twice as fast through this Bus (DESIGN.md, "Kafka clients measured").
 * Consuming through this Bus measured slower than kafkajs (~0.7×), so it suits the producing roles
 * (proxy, replay) and kafkajs stays the default.
 *
 * The two clients interoperate on one cluster: keys go to the partitions of Kafka's default
 * partitioner on both (this client's own default hashes differently), and the group protocol,
 * headers, tombstones and committed offsets are plain Kafka.
 *
 * Differences that stay inside this file: the client hands over one stream of records per consumer,
 * so batches are cut per partition from what the stream holds, and records of partitions lost in a
 * rebalance are dropped before their handler runs (PartitionPositions). Fetches are capped at
 * 10 MiB / 1 MiB per partition: the client's 50 MiB default costs 20–50% of consumer throughput.
 */
import { randomUUID } from 'node:crypto';
import {
  Admin,
  type BaseOptions,
  Consumer,
  ListOffsetTimestamps,
  type Message,
  type MessagesStream,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  Producer,
  type SASLMechanismValue,
  stringDeserializer,
  stringSerializer,
} from '@platformatic/kafka';
import type { Config } from '../../schemas/config.js';
import { type ErrorCode, GatehoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import { retryDelayMs } from './backoff.js';
import { brokerTls } from './broker-tls.js';
import type {
  Batch,
  Bus,
  BusMessage,
  ConsumeOptions,
  GroupSubscription,
  OutgoingMessage,
  Subscription,
  TailOptions,
  TopicPartition,
} from './bus.js';
import { CatchUp } from './catch-up.js';
import { type PartitionBatch, PartitionPositions } from './partition-positions.js';
import { keyHash } from './partitioner.js';
import { producerStateLost } from './producer-state.js';
import { SerialSender } from './serial-sender.js';
import { topicSpecs } from './topics.js';

type Value = Buffer | string | null;
type Consumed = Message<string, Buffer, string, string>;
type Stream = MessagesStream<string, Buffer, string, string>;

const FETCH = { maxBytes: 10 * 1024 * 1024, maxBytesPerPartition: 1024 * 1024, maxWaitTime: 100 };
const DESERIALIZERS = {
  key: stringDeserializer,
  headerKey: stringDeserializer,
  headerValue: stringDeserializer,
};

export class PlatformaticKafkaBus implements Bus {
  readonly kind = 'kafka' as const;
  private readonly base: BaseOptions;
  private producer: Producer<string, Value, string, string> | null = null;
  private admin: Admin | null = null;
  private readonly sender = new SerialSender(
    (topic, messages) => this.sendNow(topic, messages),
    (slow) => this.log.warn(slow, 'a send is still waiting for the broker'),
  );
  private readonly subscriptions = new Set<Subscription>();
  private roundRobin = 0;

  constructor(
    private readonly config: Config['kafka'],
    private readonly log: Logger,
  ) {
    if (!config.brokers)
      throw new GatehoundError('CONFIG_INVALID', 'kafka.brokers is required for the Kafka bus');
    this.base = {
      clientId: config.clientId,
      bootstrapBrokers: config.brokers,
      tls: brokerTls(config) ?? undefined,
      sasl: config.sasl
        ? {
            mechanism: config.sasl.mechanism.toUpperCase() as SASLMechanismValue,
            username: config.sasl.username,
            password: config.sasl.password,
          }
        : undefined,
      // Its connect timer races a busy event loop (a detector scoring a batch): generous, not 3 s.
      connectTimeout: 10_000,
      retries: 8,
      retryDelay: (_client, _operation, attempt) => Math.min(100 * 2 ** attempt, 5000),
    };
  }

  async ensureTopics(): Promise<void> {
    const existing = new Set(await this.adminCall(() => this.getAdmin().listTopics()));
    const missing = topicSpecs(this.config).filter((s) => !existing.has(s.name));
    for (const s of missing) await this.create(s.name, s.partitions, s.config);
    if (missing.length > 0) this.log.info({ topics: missing.map((s) => s.name) }, 'created topics');
  }

  /** Test and benchmark helper: one topic with the given partitions (no-op when it exists). */
  async createTopic(name: string, partitions: number, compacted = false): Promise<void> {
    await this.create(name, partitions, compacted ? { 'cleanup.policy': 'compact' } : {});
  }

  send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    return this.sender.send(topic, messages);
  }

  private async sendNow(topic: string, messages: OutgoingMessage[], fresh = false): Promise<void> {
    const producer = this.getProducer();
    try {
      await producer.send({
        messages: messages.map((m) => ({
          topic,
          key: m.key ?? undefined,
          value: m.value,
          headers: m.headers,
          partition: m.partition,
        })),
      });
    } catch (err) {
      if (producerStateLost(err)) {
        this.dropProducer(producer);
        // A new producer has no sequence history to disagree with: sent again once, at least once.
        if (!fresh) return this.sendNow(topic, messages, true);
      }
      throw busError(err, 'BUS_SEND_FAILED', `could not produce ${messages.length} message(s) to ${topic}`);
    }
  }

  /** See producer-state.ts: the next send starts a fresh producer, with a new id. */
  private dropProducer(producer: Producer<string, Value, string, string>): void {
    if (this.producer !== producer) return;
    this.log.warn("the broker refused the producer's sequence numbers; starting a new producer");
    this.producer = null;
    void producer.close().catch(() => undefined);
  }

  async consume(options: ConsumeOptions): Promise<GroupSubscription> {
    const consumer = this.newConsumer(options.groupId, 30_000);
    const positions = new PartitionPositions();
    consumer.on('consumer:group:join', ({ assignments }) => {
      const assigned: TopicPartition[] = (assignments ?? []).flatMap((a) =>
        a.partitions.map((partition) => ({ topic: a.topic, partition })),
      );
      positions.assign(assigned);
      void Promise.resolve(options.onAssignment?.(assigned)).catch((err: unknown) =>
        this.log.error({ err, groupId: options.groupId }, 'assignment handler failed'),
      );
    });
    const subscription = await this.read(consumer, {
      topics: options.topics,
      mode: MessagesStreamModes.COMMITTED,
      fallbackMode: options.fromBeginning
        ? MessagesStreamFallbackModes.EARLIEST
        : MessagesStreamFallbackModes.LATEST,
      onRecords: (records, reading) =>
        eachLimit(positions.batches(records), options.concurrency ?? 1, (batch) =>
          this.handleBatch(batch, options, positions, reading),
        ),
    });
    return {
      stop: () => subscription.stop(),
      commit: async (given) => {
        // Kafka commits name the next record to read; -1: no leader epoch to fence the commit with.
        const offsets = given.map((p) => ({ ...p, offset: BigInt(p.offset) + 1n, leaderEpoch: -1 }));
        try {
          await consumer.commit({ offsets });
        } catch (err) {
          throw busError(err, 'BUS_UNAVAILABLE', `could not commit offsets of ${options.groupId}`);
        }
      },
    };
  }

  /** Runs the handler until it succeeds (or the partition is lost), then commits past the batch. */
  private async handleBatch(
    batch: PartitionBatch<Consumed>,
    options: ConsumeOptions,
    positions: PartitionPositions,
    reading: Reading,
  ): Promise<void> {
    const { topic, partition } = batch;
    const busBatch: Batch = { topic, partition, messages: batch.messages.map(toBusMessage) };
    for (let attempt = 0; ; attempt++) {
      if (!reading.running || !positions.owns(topic, partition)) return;
      try {
        await options.onBatch(busBatch);
        break;
      } catch (err) {
        this.log.warn({ err, topic, partition, attempt }, 'batch handler failed; retrying');
        await reading.sleep(retryDelayMs(attempt));
      }
    }
    const last = batch.messages.at(-1)!;
    positions.handled(topic, partition, last.offset);
    if (options.commits === 'manual') return;
    try {
      await last.commit();
    } catch (err) {
      // Lost in a rebalance: the next owner re-reads from the last commit (at-least-once).
      this.log.warn({ err, topic, partition, groupId: options.groupId }, 'offset commit failed');
    }
  }

  async tail(options: TailOptions): Promise<Subscription> {
    // Reading needs a group here too: a private one per reader, never committed, deleted on stop.
    const groupId = `${this.config.clientId}-tail-${randomUUID()}`;
    const consumer = this.newConsumer(groupId, 10_000);
    const [low, high] = await Promise.all(
      [ListOffsetTimestamps.EARLIEST, ListOffsetTimestamps.LATEST].map((timestamp) =>
        consumer.listOffsets({ topics: [options.topic], timestamp }),
      ),
    ).catch(async (err: unknown) => {
      await closeConsumer(consumer);
      throw busError(err, 'BUS_UNAVAILABLE', `cannot read the offsets of ${options.topic}`);
    });
    const lows = low!.get(options.topic) ?? [];
    const catchUp = new CatchUp(
      (high!.get(options.topic) ?? []).map((h, partition) => ({ partition, low: lows[partition]!, high: h })),
      options.onCaughtUp,
    );
    const reader = await this.read(consumer, {
      topics: [options.topic],
      mode: MessagesStreamModes.EARLIEST,
      onRecords: async (records, reading) => {
        for (const record of records) {
          for (let attempt = 0; reading.running; attempt++) {
            try {
              await options.onMessage(toBusMessage(record));
              break;
            } catch (err) {
              this.log.warn({ err, topic: options.topic, attempt }, 'tail handler failed; retrying');
              await reading.sleep(retryDelayMs(attempt));
            }
          }
          catchUp.delivered(record.partition, record.offset);
        }
      },
    });
    return {
      stop: async () => {
        await reader.stop();
        await this.getAdmin()
          .deleteGroups({ groups: [groupId] })
          .catch(() => undefined);
      },
    };
  }

  async endOffsets(topic: string, partitions: number[]): Promise<Map<number, bigint>> {
    const listed = await this.adminCall(() =>
      this.getAdmin().listOffsets({
        topics: [
          {
            name: topic,
            partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp: -1n })),
          },
        ],
      }),
    );
    return new Map(listed.flatMap((t) => t.partitions.map((p) => [p.partitionIndex, p.offset] as const)));
  }

  async ping(): Promise<boolean> {
    try {
      await this.getAdmin().metadata({ topics: [], forceUpdate: true });
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.subscriptions].map((s) => s.stop()));
    await this.sender.drain();
    await Promise.allSettled([this.producer?.close(), this.admin?.close()]);
    this.producer = null;
    this.admin = null;
  }

  private async create(name: string, partitions: number, config: { [name: string]: string }): Promise<void> {
    try {
      await this.getAdmin().createTopics({
        topics: [name],
        partitions,
        replicas: this.config.replicationFactor,
        configs: Object.entries(config).map(([name, value]) => ({ name, value })),
      });
    } catch (err) {
      if (!hasApiError(err, 'TOPIC_ALREADY_EXISTS'))
        throw busError(err, 'BUS_UNAVAILABLE', `cannot create topic ${name}`);
    }
    await this.waitForLeaders(name);
  }

  /** Like kafkajs's `waitForLeaders`: a topic is usable once every partition has a leader. */
  private async waitForLeaders(topic: string): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const metadata = await this.getAdmin()
        .metadata({ topics: [topic], forceUpdate: true })
        .catch(() => null);
      const partitions = metadata?.topics.get(topic)?.partitions;
      if (partitions?.length && partitions.every((p) => p.leader >= 0)) return;
      await sleep(100);
    }
    throw new GatehoundError('BUS_UNAVAILABLE', `topic ${topic} has no leader`);
  }

  /**
   * Reads a consumer's stream and hands what it holds to `onRecords`, one call at a time, until
   * stopped; a stream that fails is replaced after a back-off (the group membership is kept).
   */
  private async read(
    consumer: Consumer<string, Buffer, string, string>,
    options: {
      topics: string[];
      mode: (typeof MessagesStreamModes)[keyof typeof MessagesStreamModes];
      fallbackMode?: (typeof MessagesStreamFallbackModes)[keyof typeof MessagesStreamFallbackModes];
      onRecords: (records: Consumed[], reading: Reading) => Promise<void>;
    },
  ): Promise<Subscription> {
    const reading = new Reading();
    const open = async () => {
      const stream = await consumer.consume({
        topics: options.topics,
        mode: options.mode,
        fallbackMode: options.fallbackMode,
        autocommit: false,
        ...FETCH,
      });
      // Without a listener a stream error would end the process; the loop reopens the stream.
      stream.on('error', (err) => this.log.warn({ err, topics: options.topics }, 'consumer stream failed'));
      stream.on('readable', () => reading.readable());
      stream.on('close', () => reading.readable());
      return stream;
    };
    let stream: Stream;
    try {
      stream = await open();
    } catch (err) {
      await closeConsumer(consumer);
      throw busError(err, 'BUS_UNAVAILABLE', `cannot consume ${options.topics.join(',')}`);
    }
    const loop = (async () => {
      for (let attempt = 0; reading.running; ) {
        const records = await reading.next(stream);
        if (records) {
          attempt = 0;
          await options.onRecords(records, reading);
          continue;
        }
        if (!reading.running) break;
        this.log.warn({ topics: options.topics, attempt }, 'consumer stream ended; reopening');
        await reading.sleep(retryDelayMs(attempt++));
        stream = await open().catch((err: unknown) => {
          this.log.warn({ err, topics: options.topics }, 'cannot reopen consumer stream');
          return stream;
        });
      }
    })();
    const subscription: Subscription = {
      stop: async () => {
        this.subscriptions.delete(subscription);
        reading.stop();
        await loop;
        await stream.close().catch(() => undefined);
        await closeConsumer(consumer);
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  private newConsumer(groupId: string, sessionTimeout: number): Consumer<string, Buffer, string, string> {
    return new Consumer({
      ...this.base,
      groupId,
      sessionTimeout,
      heartbeatInterval: 3000,
      rebalanceTimeout: 60_000,
      deserializers: DESERIALIZERS,
      ...FETCH,
    });
  }

  private getProducer(): Producer<string, Value, string, string> {
    this.producer ??= new Producer({
      ...this.base,
      // Idempotent means acks=all; SerialSender keeps one send in flight (see its comment).
      idempotent: true,
      compression: this.config.compression,
      // Kafka's default partitioner (as kafkajs), so both clients put a key on the same partition.
      partitioner: (message) => (message.key == null ? this.roundRobin++ : keyHash(message.key)),
      serializers: {
        key: stringSerializer,
        value: (v) => (v == null ? undefined : typeof v === 'string' ? Buffer.from(v) : v),
        headerKey: stringSerializer,
        headerValue: stringSerializer,
      },
    });
    return this.producer;
  }

  private getAdmin(): Admin {
    this.admin ??= new Admin(this.base);
    return this.admin;
  }

  private async adminCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw busError(err, 'BUS_UNAVAILABLE', `cannot reach Kafka at ${this.config.brokers?.join(',')}`);
    }
  }
}

/** The running state of one reader: stop() ends its loop and cuts its back-off sleeps short. */
class Reading {
  running = true;
  private onReadable: (() => void) | null = null;
  private readonly wakers = new Set<() => void>();

  stop(): void {
    this.running = false;
    for (const wake of [...this.wakers]) wake();
  }

  sleep(ms: number): Promise<void> {
    return this.until((done) => {
      const timer = setTimeout(done, ms);
      return () => clearTimeout(timer);
    });
  }

  /** Everything the stream holds now, waiting for some; null once the stream ended or on stop. */
  async next(stream: Stream): Promise<Consumed[] | null> {
    while (this.running) {
      const got: Consumed[] = [];
      for (let r = stream.read() as Consumed | null; r !== null; r = stream.read() as Consumed | null)
        got.push(r);
      if (got.length > 0) return got;
      if (stream.destroyed || stream.readableEnded) return null;
      await this.until((done) => {
        this.onReadable = done;
        return () => {
          this.onReadable = null;
        };
      });
    }
    return null;
  }

  /**
   * Wakes `next`. The stream's own 'readable' and 'close' listeners call it: they stay attached,
   * because a stream left without 'readable' listeners counts as unread and stops fetching.
   */
  readable(): void {
    this.onReadable?.();
  }

  private until(arm: (done: () => void) => () => void): Promise<void> {
    return new Promise((resolve) => {
      let disarm = () => {};
      const done = () => {
        disarm();
        this.wakers.delete(done);
        resolve();
      };
      this.wakers.add(done);
      disarm = arm(done);
    });
  }
}

/** Runs `fn` over `items` with at most `limit` calls at once. */
async function eachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  const worker = async () => {
    while (i < items.length) await fn(items[i++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function toBusMessage(r: Consumed): BusMessage {
  return {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset.toString(),
    key: r.key ?? null,
    value: r.value ?? null,
    headers: Object.fromEntries(r.headers),
    timestamp: Number(r.timestamp),
  };
}

function hasApiError(err: unknown, apiId: string): boolean {
  const e = err as { apiId?: string; findBy?: (property: string, value: unknown) => unknown };
  return e?.apiId === apiId || Boolean(e?.findBy?.('apiId', apiId));
}

/** Network failures mean the bus is unreachable; anything else keeps the operation's own code. */
function busError(err: unknown, code: ErrorCode, message: string): GatehoundError {
  const e = err as { code?: string; findBy?: (property: string, value: unknown) => unknown };
  const network = e?.code === 'PLT_KFK_NETWORK' || Boolean(e?.findBy?.('code', 'PLT_KFK_NETWORK'));
  return new GatehoundError(network ? 'BUS_UNAVAILABLE' : code, message, { cause: err });
}

/** Leaves the group and closes the consumer's streams; never rejects (stop and close must finish). */
function closeConsumer(consumer: Consumer<string, Buffer, string, string>): Promise<void> {
  return new Promise((resolve) => consumer.close(true, () => resolve()));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
