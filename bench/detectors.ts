/**
 * `npm run bench:detectors`: the detectors alone, in memory, on one core (events/s), and memory per
 * tracked entity. Setup is apart from measurement; each figure is the median of several runs.
 * Prints a table and writes bench/results/detectors.json.
 */
import { cpus } from 'node:os';
import { detectOffline } from '../detectors/offline.js';
import { detectorRegistry } from '../detectors/registry.js';
import { signatureScanner } from '../detectors/signature-scanner.js';
import { DetectorsConfig } from '../schemas/config/detectors.js';
import type { RequestEvent } from '../schemas/request-event.js';
import { simulate } from '../simulator/index.js';
import { trackEntities } from './entity-memory.js';
import { writeResults } from './results.js';
import { stats } from './stack.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const config = DetectorsConfig.parse({});
const specs = detectorRegistry(signatureScanner(config.injection));

// Setup: 4 simulated hours of traffic (ordinary users and every attack type), prompts included.
const { events } = simulate({ seed: 42 });

function throughput(): number {
  const t0 = performance.now();
  detectOffline(events, specs, config);
  return events.length / ((performance.now() - t0) / 1000);
}

throughput(); // warm-up: JIT and the pack's lazy compilation
const eps = stats(Array.from({ length: RUNS }, throughput));

const entities = Number(process.env.BENCH_ENTITIES ?? 1_000_000);
const base: RequestEvent = events.find((e) => e.http.status === 200)!;
const bpe = stats(
  Array.from({ length: RUNS }, () => trackEntities(entities, specs, config, base).bytesPerEntity),
);

const result = {
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
  metrics: {
    detect_in_memory_eps: {
      ...eps,
      unit: 'events/s (one core, both stages, 6 partitions, real signature pack)',
    },
    bytes_per_entity: {
      ...bpe,
      unit: `bytes of heap per tracked address (${entities.toLocaleString('en')} addresses)`,
    },
  },
};
console.log(`detectors in memory, ${events.length.toLocaleString('en')} simulated events, ${RUNS} runs`);
for (const [name, m] of Object.entries(result.metrics)) {
  console.log(
    `${name.padEnd(24)} median ${Math.round(m.median).toLocaleString('en').padStart(10)}  min ${Math.round(m.min).toLocaleString('en')}  max ${Math.round(m.max).toLocaleString('en')}  ${m.unit}`,
  );
}
writeResults('detectors', result);
