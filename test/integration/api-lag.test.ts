import { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { KafkaBus } from '../../infra/bus/index.js';
import { ConsumerLag, registerConsumerLag } from '../../infra/bus/lag.js';
import { createLogger } from '../../infra/logger.js';
import { Config } from '../../schemas/config.js';
import { uniqueName } from '../helpers/wait.js';

const log = createLogger({ level: 'error' });

describe('consumer lag on the real broker', () => {
  const prefix = uniqueName('api-lag');
  const config = Config.parse({
    kafka: { brokers: inject('kafkaBrokers').split(','), topics: { requests: `${prefix}.requests.v1` } },
  });
  const topic = config.kafka.topics.requests;
  const group = `${prefix}-detect`;
  const bus = new KafkaBus(config.kafka, log);
  const lag = new ConsumerLag(config.kafka, log);
  const admin = new Kafka({ brokers: config.kafka.brokers!, logLevel: 0 }).admin();

  afterAll(async () => {
    await lag.close();
    await admin.disconnect();
    await bus.close();
  });

  it('reports log-end minus committed offset per group and partition, and only for groups on our topics', async () => {
    await bus.createTopic(topic, 2);
    await bus.send(
      topic,
      Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `m${i}` })),
    );
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({
      groupId: group,
      topic,
      partitions: ends.map((p) => ({ partition: p.partition, offset: '1' })),
    });

    const all = await lag.read();
    // The broker is shared: other tests' groups on other topics must not show up.
    expect(all.every((r) => Object.values(config.kafka.topics).includes(r.topic))).toBe(true);
    const rows = all.filter((r) => r.group === group);
    expect(rows.sort((a, b) => a.partition - b.partition)).toEqual(
      ends
        .map((p) => ({ group, topic, partition: p.partition, lag: Math.max(0, Number(p.high) - 1) }))
        .sort((a, b) => a.partition - b.partition),
    );
    expect(rows.reduce((n, r) => n + r.lag, 0)).toBe(10 - ends.filter((p) => Number(p.high) >= 1).length);

    const registry = new Registry();
    registerConsumerLag(registry, lag, log);
    const text = await registry.metrics();
    for (const r of rows)
      expect(text).toContain(
        `gatehound_consumer_lag_messages{group="${group}",topic="${topic}",partition="${r.partition}"} ${r.lag}`,
      );
  });
});
