import { partitionFor } from '../infra/bus/partitioner.js';
import type { DetectorsConfig } from '../schemas/config/detectors.js';
import type { Finding } from '../schemas/finding.js';
import type { RequestEvent } from '../schemas/request-event.js';
import type { AnyDetectorSpec } from './detector.js';
import { Engine } from './engine.js';

const noRoundRobin = () => 0;

/**
 * The detect role without a bus: events partitioned exactly as on Kafka (key stage by key id else
 * address, address stage by address), each partition with its own engine. Fed one event at a time,
 * so a log of any length is scored in constant memory per entity; the findings are what the worker
 * would produce, the latest version per id.
 */
export class OfflineDetector {
  private readonly key: Engine[];
  private readonly ip: Engine[];
  private readonly byId = new Map<string, Finding>();

  constructor(
    specs: AnyDetectorSpec[],
    config: DetectorsConfig,
    private readonly partitions = 6,
  ) {
    this.key = Array.from({ length: partitions }, () => new Engine('key', specs, config));
    this.ip = Array.from({ length: partitions }, () => new Engine('ip', specs, config));
  }

  observe(e: RequestEvent): void {
    this.observeIn(this.key, e.key?.id ?? e.client.ip, e);
    this.observeIn(this.ip, e.client.ip, e);
  }

  findings(): Finding[] {
    return [...this.byId.values()];
  }

  /** Every engine, key stage first: for callers that inspect state afterwards. */
  engines(): Engine[] {
    return [...this.key, ...this.ip];
  }

  private observeIn(engines: Engine[], kafkaKey: string, e: RequestEvent): void {
    const r = engines[partitionFor(kafkaKey, this.partitions, noRoundRobin)]!.observe(e);
    if (!r.late) for (const f of r.findings) this.byId.set(f.id, f);
  }
}

/** Scores a whole sequence of events at once: evaluation and benchmarks. */
export function detectOffline(
  events: Iterable<RequestEvent>,
  specs: AnyDetectorSpec[],
  config: DetectorsConfig,
  partitions = 6,
  /** Receives the engines, for callers that inspect state afterwards. */
  engines: Engine[] = [],
): Finding[] {
  const detector = new OfflineDetector(specs, config, partitions);
  engines.push(...detector.engines());
  for (const e of events) detector.observe(e);
  return detector.findings();
}
