import type { Config } from '../../schemas/config.js';
import type { Logger } from '../logger.js';
import type { Bus } from './bus.js';
import { KafkaBus } from './kafka.js';
import { MemoryBus } from './memory.js';
import { MixedKafkaBus } from './mixed.js';
import { PlatformaticKafkaBus } from './platformatic.js';

export type {
  Batch,
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
export { KafkaBus } from './kafka.js';
export { MemoryBus } from './memory.js';
export { MixedKafkaBus } from './mixed.js';
export { PlatformaticKafkaBus } from './platformatic.js';
export { type TopicRole, type TopicSpec, topicSpecs } from './topics.js';

/** Kafka when brokers are configured, otherwise the embedded in-process bus. */
export function createBus(config: Config['kafka'], log: Logger): Bus {
  return config.brokers ? createKafkaBus(config, log.child({ component: 'bus' })) : new MemoryBus(config);
}

/** The Kafka bus on the configured client library (`kafka.client`). */
export function createKafkaBus(
  config: Config['kafka'],
  log: Logger,
): KafkaBus | PlatformaticKafkaBus | MixedKafkaBus {
  if (config.client === 'platformatic') return new PlatformaticKafkaBus(config, log);
  if (config.client === 'mixed') return new MixedKafkaBus(config, log);
  return new KafkaBus(config, log);
}
