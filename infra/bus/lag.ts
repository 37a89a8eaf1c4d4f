import { type Admin, Kafka } from 'kafkajs';
import { Gauge, type Registry } from 'prom-client';
import type { Config } from '../../schemas/config.js';
import type { Logger } from '../logger.js';
import { kafkaClientConfig } from './kafka.js';

export interface PartitionLag {
  group: string;
  topic: string;
  partition: number;
  /** Messages in the partition after the group's committed offset. */
  lag: number;
}

const READ_TIMEOUT_MS = 3000;

/**
 * Consumer lag of every consumer group on gatehound's topics: log-end offset minus committed offset,
 * per partition. Read through the Kafka admin API, so one process (the API) can export it for all roles.
 */
export class ConsumerLag {
  private admin: Promise<Admin> | null = null;

  constructor(
    private readonly config: Config['kafka'],
    private readonly log: Logger,
  ) {}

  async read(): Promise<PartitionLag[]> {
    const admin = await this.connect();
    const existing = new Set(await admin.listTopics());
    const topics = Object.values(this.config.topics).filter((t) => existing.has(t));
    const ends = new Map<string, Map<number, { high: number; low: number }>>();
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      ends.set(
        topic,
        new Map(offsets.map((p) => [p.partition, { high: Number(p.high), low: Number(p.low) }])),
      );
    }
    const rows: PartitionLag[] = [];
    const { groups } = await admin.listGroups();
    for (const { groupId } of groups) {
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics })) {
        for (const { partition, offset } of partitions) {
          const end = ends.get(topic)?.get(partition);
          // -1: this group has never committed on this topic, so it is not one of its consumers.
          if (!end || Number(offset) < 0) continue;
          rows.push({
            group: groupId,
            topic,
            partition,
            lag: Math.max(0, end.high - Math.max(Number(offset), end.low)),
          });
        }
      }
    }
    return rows;
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    if (admin) await (await admin.catch(() => null))?.disconnect();
  }

  private connect(): Promise<Admin> {
    if (!this.admin) {
      const admin = new Kafka(kafkaClientConfig(this.config, this.log)).admin();
      this.admin = admin.connect().then(() => admin);
      this.admin.catch(() => {
        this.admin = null;
      });
    }
    return this.admin;
  }
}

/**
 * `gatehound_consumer_lag_messages{group,topic,partition}`, read at scrape time. When Kafka does not
 * answer in time the series are dropped rather than left stale, and the failure is logged.
 */
export function registerConsumerLag(registry: Registry, lag: ConsumerLag, log: Logger): void {
  const name = 'gatehound_consumer_lag_messages';
  registry.removeSingleMetric(name);
  new Gauge({
    name,
    help: 'Messages not yet consumed, by consumer group, topic and partition',
    labelNames: ['group', 'topic', 'partition'],
    registers: [registry],
    async collect() {
      this.reset();
      let timer: NodeJS.Timeout | undefined;
      try {
        const rows = await Promise.race([
          lag.read(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('timed out')), READ_TIMEOUT_MS);
          }),
        ]);
        for (const r of rows)
          this.set({ group: r.group, topic: r.topic, partition: String(r.partition) }, r.lag);
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'could not read consumer lag');
      } finally {
        clearTimeout(timer);
      }
    },
  });
}
