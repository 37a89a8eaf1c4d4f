import { type Bus, type BusMessage, KafkaBus } from '../../infra/bus/index.js';
import { createLogger } from '../../infra/logger.js';
import { createRuntime, type Runtime } from '../../infra/runtime.js';
import { MemoryStore } from '../../infra/store/memory.js';
import { Config } from '../../schemas/config.js';
import type { Finding } from '../../schemas/finding.js';
import type { RequestEvent } from '../../schemas/request-event.js';
import { stackConfig } from './stack-config.js';
import { uniqueName } from './wait.js';

/** A detect role on a given bus with everything it produces collected: the same checks run on memory and Kafka. */
export class DetectHarness {
  readonly rt: Runtime;
  readonly findings: Finding[] = [];
  readonly dead: BusMessage[] = [];
  private readonly stops: (() => Promise<void>)[] = [];

  constructor(
    readonly config: Config,
    readonly bus: Bus,
  ) {
    this.rt = createRuntime(config, {
      bus,
      store: new MemoryStore(),
      log: createLogger({ level: 'silent' }),
    });
  }

  async start(): Promise<this> {
    await this.bus.ensureTopics();
    const topics = this.config.kafka.topics;
    const a = await this.bus.tail({
      topic: topics.findings,
      onMessage: (m) => void this.findings.push(JSON.parse(m.value!.toString())),
    });
    const b = await this.bus.tail({ topic: topics.dlq, onMessage: (m) => void this.dead.push(m) });
    this.stops.push(
      () => a.stop(),
      () => b.stop(),
    );
    return this;
  }

  /** Produces events as a gateway does: keyed by key id, else by client address. */
  send(events: (RequestEvent | Record<string, unknown>)[]): Promise<void> {
    return this.bus.send(
      this.config.kafka.topics.requests,
      events.map((e) => {
        const ev = e as Partial<RequestEvent>;
        return { key: ev.key?.id ?? ev.client?.ip ?? null, value: JSON.stringify(e) };
      }),
    );
  }

  async consumed(): Promise<number> {
    const text = await this.rt.metrics.registry.getSingleMetricAsString('gatehound_messages_consumed_total');
    const line = text.split('\n').find((l) => l.includes(`topic="${this.config.kafka.topics.requests}"`));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  async close(): Promise<void> {
    for (const stop of this.stops) await stop();
    await this.bus.close();
  }
}

/** A harness on real Kafka with topics, groups and client id of its own, so tests can share a broker. */
export function kafkaDetectHarness(
  brokers: string,
  detectors: Record<string, unknown> = {},
): Promise<DetectHarness> {
  const p = uniqueName('detect');
  const config = Config.parse(
    stackConfig(p, brokers, null, { detectors: { snapshotIntervalMs: 200, ...detectors } }),
  );
  return new DetectHarness(config, new KafkaBus(config.kafka, createLogger({ level: 'error' }))).start();
}
