import { Kafka } from 'kafkajs';
import { kafkaClientConfig } from '../../infra/bus/kafka.js';
import { type Part, progress } from './context.js';
import { replayChunks } from './events.js';
import { metric } from './metric.js';
import { log } from './pipeline.js';
import { produceAll } from './produce.js';
import { runConfig } from './run-config.js';

/** Distinct events cycled through for the raw runs: the bytes of real events without building a million. */
const POOL = 100_000;

/**
 * The machine's limit: the same simulated events produced and consumed with a plain kafkajs client and
 * no processing. Produced as gatehound produces (acks=all, the configured compression); consumed in a
 * group with large fetches and a commit per batch, timed from the group join.
 */
async function rawRun(ctx: Parameters<Part>[0], r: number): Promise<{ produce: number; consume: number }> {
  const run = runConfig(ctx.stack, `raw${r}`);
  const topic = run.config.kafka.topics.requests;
  const kafka = new Kafka(kafkaClientConfig(run.config.kafka, log));
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: run.config.kafka.partitions }],
  });
  const pool = [...replayChunks(Math.min(POOL, ctx.events), POOL)][0]!.map((m) => ({
    key: m.key,
    value: Buffer.from(m.value as string),
  }));
  const chunks = function* () {
    for (let i = 0; i < ctx.events; i += 5000)
      yield Array.from({ length: Math.min(5000, ctx.events - i) }, (_, j) => pool[(i + j) % pool.length]!);
  };
  const produce = ctx.events / (await produceAll(run.config.kafka, log, topic, chunks(), 4));

  const consumer = kafka.consumer({
    groupId: `${run.config.kafka.clientId}-raw`,
    maxBytesPerPartition: 16 * 2 ** 20,
    maxBytes: 64 * 2 ** 20,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let seen = 0;
  let t0 = 0;
  // Timed from the group join: the join is set-up, the first fetch is work.
  consumer.on(consumer.events.GROUP_JOIN, () => {
    t0 = performance.now();
  });
  const done = new Promise<number>((resolve) => {
    void consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: run.config.kafka.partitions,
      eachBatch: async ({ batch }) => {
        seen += batch.messages.length;
        await consumer.commitOffsets([
          { topic, partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() },
        ]);
        if (seen >= ctx.events) resolve(performance.now());
      },
    });
  });
  const end = await done;
  const consume = seen / ((end - t0) / 1000);
  await consumer.disconnect();
  await admin.deleteGroups([`${run.config.kafka.clientId}-raw`]).catch(() => undefined);
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  return { produce, consume };
}

export const rawKafka: Part = async (ctx) => {
  const runs = [];
  for (let r = 0; r < ctx.runs; r++) {
    runs.push(await rawRun(ctx, r));
    progress(`raw run ${r + 1}: ${JSON.stringify(runs.at(-1))}`);
  }
  const how = `events/s, plain kafkajs, ${ctx.events.toLocaleString('en')} events`;
  return {
    raw_produce_eps: metric(
      runs.map((x) => x.produce),
      `${how}, acks=all`,
    ),
    raw_consume_eps: metric(
      runs.map((x) => x.consume),
      `${how}, one group, commit per batch`,
    ),
  };
};
