/**
 * `npm run bench:detect-kafka`: the detect role through real Kafka: consume the requests topic,
 * score, produce findings and the re-keyed events, consume those in the address stage; until both
 * stages have consumed every event. Median of several runs, each with fresh consumer groups.
 */
import { cpus } from 'node:os';
import { detectorRegistry, signatureScanner, startDetector } from '../detectors/index.js';
import { createKafkaBus } from '../infra/bus/index.js';
import { createLogger } from '../infra/logger.js';
import { Metrics } from '../infra/metrics.js';
import { createRuntime } from '../infra/runtime.js';
import { MemoryStore } from '../infra/store/memory.js';
import { Config } from '../schemas/config.js';
import type { RequestEvent } from '../schemas/request-event.js';
import { simulate } from '../simulator/index.js';
import { writeResults } from './results.js';
import { benchStack, stats } from './stack.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TARGET = Number(process.env.BENCH_EVENTS ?? 500_000);
const log = createLogger({ level: 'warn' });
const stack = await benchStack();
const run = `bench-${Date.now().toString(36)}`;

function configFor(suffix: string): Config {
  return Config.parse({
    kafka: {
      brokers: stack.kafkaBrokers,
      clientId: `${run}-${suffix}`,
      client: process.env.GATEHOUND_KAFKA_CLIENT,
      compression: process.env.GATEHOUND_KAFKA_COMPRESSION,
      topics: {
        requests: `${run}.requests`,
        requestsByIp: `${run}.${suffix}.by-ip`,
        findings: `${run}.${suffix}.findings`,
        revocations: `${run}.${suffix}.revocations`,
        state: `${run}.${suffix}.state`,
        dlq: `${run}.${suffix}.dlq`,
      },
    },
  });
}

/**
 * Setup, not measured: simulated traffic repeated to the target size, produced once. In a function so
 * the events are garbage once on the topic: a detect process does not hold half a million events, and
 * the collector would otherwise walk them on every major GC of the runs.
 */
async function produceEvents(): Promise<number> {
  const { events: day } = simulate({ seed: 42 });
  const events: RequestEvent[] = [];
  for (let copy = 0; events.length < TARGET; copy++) {
    const shift = copy * 4 * 3_600_000;
    for (const e of day) {
      if (events.length >= TARGET) break;
      events.push({ ...e, id: `${e.id}-${copy}`, ts: new Date(Date.parse(e.ts) + shift).toISOString() });
    }
  }
  const setupBus = createKafkaBus(configFor('setup').kafka, log);
  await setupBus.createTopic(`${run}.requests`, 6);
  for (let i = 0; i < events.length; i += 10_000) {
    await setupBus.send(
      `${run}.requests`,
      events.slice(i, i + 10_000).map((e) => ({ key: e.key?.id ?? e.client.ip, value: JSON.stringify(e) })),
    );
  }
  await setupBus.close();
  return events.length;
}
const total = await produceEvents();
process.stderr.write(`produced ${total} events to ${run}.requests\n`);

const specs = detectorRegistry(signatureScanner(Config.parse({}).detectors.injection));
const rates: number[] = [];
const cpuPerMillion: number[] = [];
for (let r = 0; r < RUNS; r++) {
  const config = configFor(`r${r}`);
  const metrics = new Metrics();
  const rt = createRuntime(config, {
    bus: createKafkaBus(config.kafka, log),
    store: new MemoryStore(),
    log,
    metrics,
  });
  const consumed = async (topic: string) => {
    const text = await metrics.registry.getSingleMetricAsString('gatehound_messages_consumed_total');
    const line = text.split('\n').find((l) => l.includes(`topic="${topic}"`));
    return line ? Number(line.split(' ').pop()) : 0;
  };
  const t0 = performance.now();
  // The whole process (consumer, producer, detectors, GC): the detect role's cost, as the suite's e2e measures it.
  const cpu0 = process.cpuUsage();
  const worker = await startDetector(rt, { specs });
  // The by-ip topic also holds the key stage's progress reports: the address stage is done once it
  // has read everything there, and that holds every event.
  const byIpEnd = async () => {
    const partitions = Array.from({ length: config.kafka.partitions }, (_, p) => p);
    const ends = await rt.bus.endOffsets(config.kafka.topics.requestsByIp, partitions);
    return [...ends.values()].reduce((sum, end) => sum + Number(end), 0);
  };
  for (;;) {
    const byIp = await consumed(config.kafka.topics.requestsByIp);
    if ((await consumed(config.kafka.topics.requests)) >= total && byIp >= total && byIp >= (await byIpEnd()))
      break;
    await new Promise((res) => setTimeout(res, 100));
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  rates.push(total / seconds);
  cpuPerMillion.push((cpuSeconds * 1e6) / total);
  process.stderr.write(
    `run ${r + 1}: ${Math.round(total / seconds)} events/s (${seconds.toFixed(1)} s), ` +
      `${((cpuSeconds * 1e6) / total).toFixed(1)} CPU-s per million events\n`,
  );
  await worker.stop();
  await rt.bus.close();
}

const eps = stats(rates);
const cpuS = stats(cpuPerMillion);
console.log(`detect role through Kafka, ${total.toLocaleString('en')} events, ${RUNS} runs, one process`);
console.log(
  `detect_kafka_eps median ${Math.round(eps.median)}  min ${Math.round(eps.min)}  max ${Math.round(eps.max)}  events/s`,
);
console.log(
  `detect_kafka_cpu_s_per_million_events median ${cpuS.median.toFixed(1)}  min ${cpuS.min.toFixed(1)}  max ${cpuS.max.toFixed(1)}`,
);
writeResults('detect-kafka', {
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
  metrics: {
    detect_kafka_eps: { ...eps, unit: 'events/s, consume -> detect -> produce, both stages, one process' },
    detect_kafka_cpu_s_per_million_events: {
      ...cpuS,
      unit: 'CPU-s (user+system) of the process per 1M events',
    },
  },
});
