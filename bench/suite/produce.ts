import { Kafka, type Message, Partitioners } from 'kafkajs';
import { kafkajsCompression } from '../../infra/bus/compression.js';
import { kafkaClientConfig } from '../../infra/bus/kafka.js';
import type { Logger } from '../../infra/logger.js';
import type { Config } from '../../schemas/config.js';

/**
 * Produces every chunk to `topic` with a plain kafkajs producer: acks=all, the configured compression,
 * `inFlight` requests at once (the raw limit uses 4). Returns the seconds it took. The raw limit and the
 * set-up of the other parts, which need 1: concurrent sends can land out of order in a partition, and a
 * chunk that lands after the next is minutes of event time late, so the detectors would drop it.
 */
export async function produceAll(
  config: Config['kafka'],
  log: Logger,
  topic: string,
  chunks: Iterable<Message[]>,
  maxInFlight = 1,
): Promise<number> {
  const kafka = new Kafka(kafkaClientConfig(config, log));
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const compression = kafkajsCompression(config.compression);
  const t0 = performance.now();
  const inFlight = new Set<Promise<unknown>>();
  try {
    for (const messages of chunks) {
      const p = producer.send({ topic, acks: -1, compression, messages }).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    return (performance.now() - t0) / 1000;
  } finally {
    await producer.disconnect();
  }
}
