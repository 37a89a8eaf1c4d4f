import { randomUUID } from 'node:crypto';
import {
  type Admin,
  type Consumer,
  type ICustomPartitioner,
  type ITopicConfig,
  Kafka,
  type KafkaConfig,
  logLevel as KafkaLogLevel,
  type LogEntry,
  Partitioners,
  type Producer,
  type SASLOptions,
} from 'kafkajs';
import type { Config } from '../../schemas/config.js';
import { GatehoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import { retryDelayMs } from './backoff.js';
import { brokerTls } from './broker-tls.js';
import type {
  Bus,
  BusMessage,
  ConsumeOptions,
  GroupSubscription,
  OutgoingMessage,
  Position,
  Subscription,
  TailOptions,
  TopicPartition,
} from './bus.js';
import { CatchUp } from './catch-up.js';
import { kafkajsCompression } from './compression.js';
import { keyHash } from './partitioner.js';
import { producerStateLost } from './producer-state.js';
import { SerialSender } from './serial-sender.js';
import { topicSpecs } from './topics.js';

/** Production bus on kafkajs: idempotent producer with acks=all, manual commits after each batch. */
export class KafkaBus implements Bus {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private producer: Producer | null = null;
  private producerReady: Promise<Producer> | null = null;
  private admin: Admin | null = null;
  private readonly sender = new SerialSender(
    (topic, messages) => this.sendNow(topic, messages),
    (slow) => this.log.warn(slow, 'a send is still waiting for the broker'),
  );
  private readonly consumers = new Set<Consumer>();

  constructor(
    private readonly config: Config['kafka'],
    private readonly log: Logger,
  ) {
    if (!config.brokers)
      throw new GatehoundError('CONFIG_INVALID', 'kafka.brokers is required for the Kafka bus');
    this.kafka = new Kafka(kafkaClientConfig(config, log));
  }

  async ensureTopics(): Promise<void> {
    const admin = await this.getAdmin();
    const existing = new Set(await admin.listTopics());
    const missing = topicSpecs(this.config).filter((s) => !existing.has(s.name));
    if (missing.length === 0) return;
    await createTopicsLed(
      admin,
      missing.map((s) => ({
        topic: s.name,
        numPartitions: s.partitions,
        replicationFactor: this.config.replicationFactor,
        configEntries: Object.entries(s.config).map(([name, value]) => ({ name, value })),
      })),
    );
    this.log.info({ topics: missing.map((s) => s.name) }, 'created topics');
  }

  /** Test and benchmark helper: one topic with the given partitions (no-op when it exists). */
  async createTopic(name: string, partitions: number, compacted = false): Promise<void> {
    const admin = await this.getAdmin();
    await createTopicsLed(admin, [
      {
        topic: name,
        numPartitions: partitions,
        replicationFactor: this.config.replicationFactor,
        configEntries: compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
      },
    ]);
  }

  send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    return this.sender.send(topic, messages);
  }

  private async sendNow(topic: string, messages: OutgoingMessage[], fresh = false): Promise<void> {
    const producer = await this.getProducer();
    try {
      await producer.send({
        topic,
        acks: -1,
        compression: kafkajsCompression(this.config.compression),
        messages: messages.map((m) => ({
          key: m.key,
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
      throw new GatehoundError(
        'BUS_SEND_FAILED',
        `could not produce ${messages.length} message(s) to ${topic}`,
        {
          cause: err,
        },
      );
    }
  }

  /** See producer-state.ts: the next send starts a fresh producer, with a new id. */
  private dropProducer(producer: Producer): void {
    if (this.producer !== producer) return;
    this.log.warn("the broker refused the producer's sequence numbers; starting a new producer");
    this.producer = null;
    this.producerReady = null;
    void producer.disconnect().catch(() => undefined);
  }

  async consume(options: ConsumeOptions): Promise<GroupSubscription> {
    let running = true;
    const isRunning = () => running;
    const restart = async (attempt: number): Promise<void> => {
      if (!running) return;
      try {
        const fresh = await this.startConsumer(options, isRunning, restart);
        // Stopped while the new consumer was joining: it must not outlive its subscription.
        if (!running) return void (await fresh.disconnect());
        consumer = fresh;
        this.log.info({ groupId: options.groupId }, 'consumer restarted');
      } catch (err) {
        this.log.error({ err, groupId: options.groupId, attempt }, 'consumer restart failed; retrying');
        setTimeout(() => void restart(attempt + 1), retryDelayMs(attempt)).unref();
      }
    };
    let consumer = await this.startConsumer(options, isRunning, restart);
    return {
      stop: async () => {
        running = false;
        await consumer.disconnect();
        this.consumers.delete(consumer);
      },
      commit: (positions) => consumer.commitOffsets(positions.map(nextOffset)),
    };
  }

  /**
   * kafkajs restarts a crashed consumer only after retriable errors. Any other (a commit refused with
   * "the coordinator is not aware of this member" after an eviction, say) leaves it disconnected for
   * good while the process runs on, so detection would stop in silence: start a fresh one instead.
   */
  private onCrash(consumer: Consumer, groupId: string, restart: (attempt: number) => Promise<void>): void {
    consumer.on(consumer.events.CRASH, (e) => {
      if (e.payload.restart) return;
      this.log.error({ err: e.payload.error, groupId }, 'consumer crashed; starting a new one');
      this.consumers.delete(consumer);
      setTimeout(() => void restart(0), retryDelayMs(0)).unref();
    });
  }

  private async startConsumer(
    options: ConsumeOptions,
    running: () => boolean,
    restart: (attempt: number) => Promise<void>,
  ): Promise<Consumer> {
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      maxWaitTimeInMs: 100,
      retry: { retries: 10 },
    });
    this.consumers.add(consumer);
    this.onCrash(consumer, options.groupId, restart);
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      const assigned: TopicPartition[] = Object.entries(e.payload.memberAssignment).flatMap(
        ([topic, partitions]) => partitions.map((partition) => ({ topic, partition })),
      );
      void Promise.resolve(options.onAssignment?.(assigned)).catch((err: unknown) =>
        this.log.error({ err, groupId: options.groupId }, 'assignment handler failed'),
      );
    });
    await consumer.connect();
    await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? false });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.concurrency ?? 1,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        if (batch.messages.length === 0) return;
        const messages = batch.messages.map((m) => toBusMessage(batch.topic, batch.partition, m));
        const started = Date.now();
        for (let attempt = 0; ; attempt++) {
          if (!running() || !isRunning() || isStale()) return;
          try {
            await whileHeartbeating(
              options.onBatch({ topic: batch.topic, partition: batch.partition, messages }),
              heartbeat,
            );
            if (attempt > 0)
              this.log.info(
                {
                  topic: batch.topic,
                  partition: batch.partition,
                  attempts: attempt + 1,
                  ms: Date.now() - started,
                },
                'batch handler succeeded after retries',
              );
            break;
          } catch (err) {
            this.log.warn(
              { err, topic: batch.topic, partition: batch.partition, attempt },
              'batch handler failed; retrying',
            );
            await sleepWithHeartbeat(retryDelayMs(attempt), heartbeat);
          }
        }
        // resolveOffset moves kafkajs's fetch position; the commit makes it survive a restart.
        resolveOffset(batch.lastOffset());
        if (options.commits !== 'manual')
          await consumer.commitOffsets([
            nextOffset({ topic: batch.topic, partition: batch.partition, offset: batch.lastOffset() }),
          ]);
        await heartbeat();
      },
    });
    return consumer;
  }

  async tail(options: TailOptions): Promise<Subscription> {
    // kafkajs cannot read without a group; a private group per reader, never committed, deleted on stop.
    const groupId = `${this.config.clientId}-tail-${randomUUID()}`;
    const admin = await this.getAdmin();
    const offsets = await fetchOffsetsOnceLed(admin, options.topic);
    const catchUp = new CatchUp(
      offsets.map((p) => ({ partition: p.partition, low: BigInt(p.low), high: BigInt(p.high) })),
      options.onCaughtUp,
    );
    const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 100, sessionTimeout: 10_000 });
    this.consumers.add(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        await options.onMessage(toBusMessage(topic, partition, message));
        catchUp.delivered(partition, BigInt(message.offset));
      },
    });
    return {
      stop: async () => {
        await consumer.disconnect();
        this.consumers.delete(consumer);
        await admin.deleteGroups([groupId]).catch(() => undefined);
      },
    };
  }

  async endOffsets(topic: string, partitions: number[]): Promise<Map<number, bigint>> {
    const admin = await this.getAdmin();
    const wanted = new Set(partitions);
    const offsets = await fetchOffsetsOnceLed(admin, topic);
    return new Map(offsets.filter((o) => wanted.has(o.partition)).map((o) => [o.partition, BigInt(o.high)]));
  }

  async ping(): Promise<boolean> {
    try {
      const admin = await this.getAdmin();
      await admin.describeCluster();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.consumers].map((c) => c.disconnect()));
    this.consumers.clear();
    await this.sender.drain();
    await Promise.allSettled([this.producer?.disconnect(), this.admin?.disconnect()]);
    this.producer = null;
    this.producerReady = null;
    this.admin = null;
  }

  private getProducer(): Promise<Producer> {
    if (!this.producerReady) {
      // One send in flight per idempotent producer (kafkajs#1005: concurrent idempotent sends can lose data).
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: keyedPartitioner,
        // Back-off capped at 2 s: once a broker is back, a send waiting in kafkajs's retries goes out
        // within 2 s, not after the 13 s of an uncapped 8th wait while the other partitions move on.
        retry: { retries: 8, maxRetryTime: 2000 },
      });
      this.producerReady = producer.connect().then(
        () => {
          this.producer = producer;
          return producer;
        },
        (err: unknown) => {
          this.producerReady = null;
          throw new GatehoundError(
            'BUS_UNAVAILABLE',
            `cannot connect to Kafka at ${this.config.brokers?.join(',')}`,
            {
              cause: err,
            },
          );
        },
      );
    }
    return this.producerReady;
  }

  private async getAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      try {
        await admin.connect();
      } catch (err) {
        throw new GatehoundError(
          'BUS_UNAVAILABLE',
          `cannot connect to Kafka at ${this.config.brokers?.join(',')}`,
          {
            cause: err,
          },
        );
      }
      this.admin = admin;
    }
    return this.admin;
  }
}

/**
 * Kafka's default partitioner, as kafkajs's own but for the work it repeats on every keyed message
 * (it filters the partition list each time): the same partitions, about 1.2 µs less per message.
 * Keyless messages go round-robin over the partitions with a leader, as kafkajs does; a message that
 * names its partition goes there.
 */
export const keyedPartitioner: ICustomPartitioner = () => {
  const keyless = Partitioners.DefaultPartitioner();
  return (args) =>
    typeof args.message.partition === 'number'
      ? args.message.partition
      : typeof args.message.key === 'string'
        ? keyHash(args.message.key) % args.partitionMetadata.length
        : keyless(args);
};

function toBusMessage(
  topic: string,
  partition: number,
  m: {
    key: Buffer | null;
    value: Buffer | null;
    offset: string;
    timestamp: string;
    headers?: Record<string, unknown>;
  },
): BusMessage {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    if (v !== undefined) headers[k] = Buffer.isBuffer(v) ? v.toString() : String(v);
  }
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key === null ? null : m.key.toString(),
    value: m.value,
    headers,
    timestamp: Number(m.timestamp),
  };
}

/** Right after a topic is created its leader may not be known to every broker yet: retry what says so. */
/**
 * Creates topics and waits until every partition has a leader. kafkajs's own `waitForLeaders` gives
 * up at the first UNKNOWN_TOPIC_OR_PARTITION, which a busy broker answers for a topic it has just
 * created and not yet propagated to its metadata.
 */
async function createTopicsLed(admin: Admin, topics: ITopicConfig[]): Promise<void> {
  await admin.createTopics({ topics, waitForLeaders: false });
  const names = topics.map((t) => t.topic);
  // A broker that has just started can take tens of seconds under load to serve its first topics.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const metadata = await admin.fetchTopicMetadata({ topics: names }).catch((err: unknown) => {
      if (!(err as { retriable?: boolean }).retriable || Date.now() > deadline) throw err;
      return null;
    });
    if (metadata?.topics.every((t) => t.partitions.every((p) => p.leader >= 0))) return;
    if (Date.now() > deadline)
      throw new GatehoundError('BUS_UNAVAILABLE', `topics ${names.join(', ')} have no leader`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A topic's offsets, retrying what a broker answers while its leaders settle (a topic just created, a restart). */
async function fetchOffsetsOnceLed(admin: Admin, topic: string) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (err) {
      if (!(err as { retriable?: boolean }).retriable || attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 100 * Math.min(attempt + 1, 5)));
    }
  }
}

/**
 * kafkajs heartbeats only when asked: a handler slower than the session timeout (a CPU-starved worker,
 * a store that is down) would otherwise get its member evicted and its commit refused.
 */
async function whileHeartbeating<T>(work: Promise<T>, heartbeat: () => Promise<void>): Promise<T> {
  const timer = setInterval(() => void heartbeat().catch(() => undefined), 1000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

async function sleepWithHeartbeat(ms: number, heartbeat: () => Promise<void>): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, Math.min(1000, end - Date.now())));
    await heartbeat().catch(() => undefined);
  }
}

export function kafkaClientConfig(config: Config['kafka'], log: Logger): KafkaConfig {
  return {
    clientId: config.clientId,
    brokers: config.brokers ?? [],
    ssl: brokerTls(config) ?? false,
    sasl: config.sasl ? ({ ...config.sasl } as SASLOptions) : undefined,
    connectionTimeout: 3000,
    retry: { initialRetryTime: 100, retries: 8 },
    logLevel: KafkaLogLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      const { message, ...rest } = entry.log;
      const fields = { namespace: entry.namespace, ...rest };
      if (entry.level <= KafkaLogLevel.ERROR) log.error(fields, message);
      else if (entry.level === KafkaLogLevel.WARN) log.warn(fields, message);
      else log.debug(fields, message);
    },
  };
}

/** Kafka commits name the next record to read; a Position names the last one handled. */
function nextOffset(p: Position): { topic: string; partition: number; offset: string } {
  return { topic: p.topic, partition: p.partition, offset: (BigInt(p.offset) + 1n).toString() };
}
