import { partitionFor } from '../infra/bus/partitioner.js';
import type { DetectorsConfig } from '../schemas/config/detectors.js';
import type { Finding } from '../schemas/finding.js';
import type { RequestEvent } from '../schemas/request-event.js';
import type { AnyDetectorSpec } from './detector.js';
import { Engine } from './engine.js';

/**
 * The detect role without a bus: events partitioned exactly as on Kafka (key stage by key id else
 * address, address stage by address), each partition with its own engine. For evaluation and
 * benchmarks; the findings are what the worker would produce, latest version per id.
 */
export function detectOffline(
  events: Iterable<RequestEvent>,
  specs: AnyDetectorSpec[],
  config: DetectorsConfig,
  partitions = 6,
  /** Receives the engines, for callers that inspect state afterwards. */
  engines: Engine[] = [],
): Finding[] {
  const key = Array.from({ length: partitions }, () => new Engine('key', specs, config));
  const ip = Array.from({ length: partitions }, () => new Engine('ip', specs, config));
  engines.push(...key, ...ip);
  const byId = new Map<string, Finding>();
  const noRoundRobin = () => 0;
  for (const e of events) {
    const kafkaKey = e.key?.id ?? e.client.ip;
    for (const [engines, k] of [
      [key, kafkaKey],
      [ip, e.client.ip],
    ] as const) {
      const r = engines[partitionFor(k, partitions, noRoundRobin)]!.observe(e);
      if (!r.late) for (const f of r.findings) byId.set(f.id, f);
    }
  }
  return [...byId.values()];
}
