import { detectorRegistry, signatureScanner } from '../../detectors/index.js';
import { DetectorsConfig } from '../../schemas/config/detectors.js';
import { trackEntities } from '../entity-memory.js';
import { type Part, repeat, type SuiteContext } from './context.js';
import { simulated } from './events.js';
import { type Metrics, metric } from './metric.js';
import { type PipelineResult, pipelineRun, sharedRequests } from './pipeline.js';
import { runConfig } from './run-config.js';

const ENTITY_COUNTS = [10_000, 100_000, 1_000_000];

/** The detect role alone (no responder), `workers` processes in one consumer group, on `requests`. */
export function detectRun(
  ctx: SuiteContext,
  o: { name: string; requests: string; workers: number; client?: string },
): Promise<PipelineResult> {
  const run = runConfig(ctx.stack, o.name, { client: o.client, requests: o.requests });
  return pipelineRun(run, { detectWorkers: o.workers, respond: false, events: ctx.events });
}

/**
 * 1 vs 2 detect workers in one group on the same topic (on 2 cores, shared with Kafka, OpenSearch and
 * the rest, the gain is bounded), and the in-memory address stage at 10k / 100k / 1M tracked entities.
 */
export const scaling: Part = async (ctx) => {
  const requests = await sharedRequests(ctx, 'scaling');
  // 1 and 2 workers side by side in each run, so the gain is read from runs under the same load.
  const pairs = await repeat(ctx, 'scaling', async (r) => ({
    one: await detectRun(ctx, { name: `w1r${r}`, requests: requests.topic, workers: 1 }),
    two: await detectRun(ctx, { name: `w2r${r}`, requests: requests.topic, workers: 2 }),
  })).finally(() => requests.drop());
  const one = pairs.results.map((p) => p.one.eps);
  const two = pairs.results.map((p) => p.two.eps);
  const cpu = (x: PipelineResult) => (x.roles.detect!.cpuSeconds / x.events) * 1e6;
  const how = `events/s through Kafka, detect role only, ${ctx.events.toLocaleString('en')} events`;
  const metrics: Metrics = {
    workers_1_eps: metric(one, `${how}, 1 worker process`),
    workers_2_eps: metric(two, `${how}, 2 worker processes in one group`),
    workers_2_gain: metric(
      two.map((t, i) => t / one[i]!),
      'workers_2_eps / workers_1_eps, per run',
    ),
    workers_1_cpu_s_per_million_events: metric(
      pairs.results.map((p) => cpu(p.one)),
      'CPU seconds of the detect process per million events, 1 worker',
    ),
    workers_2_cpu_s_per_million_events: metric(
      pairs.results.map((p) => cpu(p.two)),
      'CPU seconds of both detect processes per million events, 2 workers',
    ),
    workers_2_start_s: metric(
      pairs.results.map((p) => p.two.startSeconds),
      's until both workers had joined (inside workers_2_eps; the first consumes meanwhile)',
    ),
    scaling_failed_runs: metric([pairs.failed], `runs of ${ctx.runs} that failed (left out)`),
  };
  const config = DetectorsConfig.parse({});
  const specs = detectorRegistry(signatureScanner(config.injection));
  const base = simulated().events.find((e) => e.http.status === 200)!;
  trackEntities(10_000, specs, config, base); // warm-up: JIT
  for (const n of ENTITY_COUNTS) {
    const runs = Array.from({ length: ctx.runs }, () => trackEntities(n, specs, config, base));
    const label = n >= 1e6 ? `${n / 1e6}m` : `${n / 1e3}k`;
    metrics[`entities_${label}_eps`] = metric(
      runs.map((x) => x.eps),
      `events/s, address stage in memory, ${n.toLocaleString('en')} distinct addresses`,
    );
    metrics[`entities_${label}_bytes_per_entity`] = metric(
      runs.map((x) => x.bytesPerEntity),
      `bytes of heap per tracked address (${n.toLocaleString('en')})`,
    );
  }
  // The headline memory figure is at the largest size: per-entity overhead is smallest when the table is full.
  metrics.bytes_per_entity = { ...metrics.entities_1m_bytes_per_entity!, target: { op: '<=', value: 1024 } };
  return metrics;
};
