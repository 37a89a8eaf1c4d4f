import type { Config } from '../../schemas/config.js';
import type { Logger } from '../logger.js';
import type {
  Bus,
  ConsumeOptions,
  GroupSubscription,
  OutgoingMessage,
  Subscription,
  TailOptions,
} from './bus.js';
import { KafkaBus } from './kafka.js';
import { PlatformaticKafkaBus } from './platformatic.js';

/**
 * Each client where it is the faster one: kafkajs consumes (and administers), @platformatic/kafka
 * produces. A send is acknowledged by the same idempotent acks=all producer as on `platformatic`, and
 * offsets are committed by the same group member as on `kafkajs`, so the guarantees are both buses'.
 */
export class MixedKafkaBus implements Bus {
  readonly kind = 'kafka' as const;
  private readonly consumer: KafkaBus;
  private readonly producer: PlatformaticKafkaBus;

  constructor(config: Config['kafka'], log: Logger) {
    this.consumer = new KafkaBus(config, log);
    this.producer = new PlatformaticKafkaBus(config, log);
  }

  ensureTopics(): Promise<void> {
    return this.consumer.ensureTopics();
  }

  /** Test and benchmark helper: one topic with the given partitions (no-op when it exists). */
  createTopic(name: string, partitions: number, compacted = false): Promise<void> {
    return this.consumer.createTopic(name, partitions, compacted);
  }

  send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    return this.producer.send(topic, messages);
  }

  consume(options: ConsumeOptions): Promise<GroupSubscription> {
    return this.consumer.consume(options);
  }

  tail(options: TailOptions): Promise<Subscription> {
    return this.consumer.tail(options);
  }

  endOffsets(topic: string, partitions: number[]): Promise<Map<number, bigint>> {
    return this.consumer.endOffsets(topic, partitions);
  }

  async ping(): Promise<boolean> {
    const [consuming, producing] = await Promise.all([this.consumer.ping(), this.producer.ping()]);
    return consuming && producing;
  }

  /** Consumers first, then what is still being sent. */
  async close(): Promise<void> {
    await this.consumer.close();
    await this.producer.close();
  }
}
