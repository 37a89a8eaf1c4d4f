/**
 * `npm run bench`: the end-to-end benchmark suite on the real Kafka and OpenSearch (bench/README.md).
 * Parts: raw, e2e, latency, scaling, clients (`npm run bench -- --only raw,e2e`). Each figure is the
 * median of BENCH_RUNS runs (default 3) with min and max. Prints a table and writes
 * bench/results/latest.json, and each part's own bench/results/suite-<part>.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { writeResults } from './results.js';
import { benchStack } from './stack.js';
import { clients } from './suite/clients.js';
import { type Part, progress, type SuiteContext } from './suite/context.js';
import { e2e } from './suite/e2e.js';
import { latency } from './suite/latency.js';
import { type Machine, machine } from './suite/machine.js';
import type { Metrics } from './suite/metric.js';
import { rawKafka } from './suite/raw-kafka.js';
import { scaling } from './suite/scaling.js';
import { formatTable } from './suite/table.js';

const LATEST = 'bench/results/latest.json';
const PARTS: Record<string, Part> = { raw: rawKafka, e2e, latency, scaling, clients };

const { values } = parseArgs({ options: { only: { type: 'string' } } });
const only = (values.only ?? process.env.BENCH_ONLY ?? Object.keys(PARTS).join(','))
  .split(',')
  .map((p) => p.trim())
  .filter(Boolean);
const unknown = only.filter((p) => !PARTS[p]);
if (unknown.length)
  throw new Error(`unknown part(s) ${unknown.join(', ')}; parts: ${Object.keys(PARTS).join(', ')}`);

const partial = only.length < Object.keys(PARTS).length && existsSync(LATEST);
const last = partial
  ? (JSON.parse(readFileSync(LATEST, 'utf8')) as { machine: Machine; metrics: Metrics })
  : null;
const stack = await benchStack();
const ctx: SuiteContext = {
  stack,
  machine: await machine(stack.opensearchUrl),
  runs: Number(process.env.BENCH_RUNS ?? 3),
  events: Number(process.env.BENCH_EVENTS ?? 1_000_000),
  // A partial run (--only) adds its figures to the last ones: parts can be run one at a time.
  metrics: last?.metrics ?? {},
};
// Parts run at different times on a shared machine: each keeps the load average it started under.
const loadByPart: Record<string, number[]> = { ...last?.machine.load_average_at_start_by_part };
progress(
  `gatehound bench: ${only.join(', ')}; ${ctx.runs} runs; load average ${ctx.machine.load_average_at_start.join(' ')}`,
);
for (const name of only) {
  const started = performance.now();
  loadByPart[name] = loadavg().map((l) => Math.round(l * 100) / 100);
  const metrics = await PARTS[name]!(ctx);
  Object.assign(ctx.metrics, metrics);
  writeResults(`suite-${name}`, { machine: ctx.machine, runs: ctx.runs, events: ctx.events, metrics });
  progress(`${name} done in ${Math.round((performance.now() - started) / 1000)} s`);
}
writeResults('latest', {
  machine: { ...ctx.machine, load_average_at_start_by_part: loadByPart },
  metrics: ctx.metrics,
});
console.log(formatTable(ctx.metrics));
console.log('written to bench/results/latest.json');
process.exit(0);
