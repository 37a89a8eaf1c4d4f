import { type Part, repeat } from './context.js';
import { type Metrics, metric } from './metric.js';
import { pipelineRun, sharedRequests } from './pipeline.js';
import { runConfig } from './run-config.js';

/** The whole pipeline: replay → detect (its own process) → findings → respond (its own process) → OpenSearch. */
export const e2e: Part = async (ctx) => {
  const requests = await sharedRequests(ctx, 'e2e');
  const { results: runs, failed } = await repeat(ctx, 'e2e', (r) =>
    pipelineRun(runConfig(ctx.stack, `e2e${r}`, { requests: requests.topic }), {
      detectWorkers: 1,
      respond: true,
      events: ctx.events,
    }),
  ).finally(() => requests.drop());
  const metrics: Metrics = {
    e2e_eps: metric(
      runs.map((x) => x.eps),
      `events/s, ${ctx.events.toLocaleString('en')} events on Kafka, roles spawned -> every group's lag 0`,
      { op: '>=', value: 50_000 },
    ),
    e2e_start_s: metric(
      runs.map((x) => x.startSeconds),
      's of each run spent starting the role processes and joining their groups (inside e2e_eps)',
    ),
    e2e_failed_runs: metric([failed], `runs of ${ctx.runs} that failed (left out)`),
    e2e_findings: metric(
      runs.map((x) => x.findings),
      'findings produced per run',
    ),
  };
  const raw = ctx.metrics.raw_consume_eps;
  if (raw)
    metrics.e2e_ratio_to_raw = metric(
      runs.map((x) => x.eps / raw.median),
      'e2e_eps / raw_consume_eps median',
      { op: '>=', value: 0.5 },
    );
  for (const role of Object.keys(runs[0]!.roles)) {
    metrics[`cpu_s_per_million_events_${role}`] = metric(
      runs.map((x) => (x.roles[role]!.cpuSeconds / x.events) * 1e6),
      `CPU seconds (user+system) of the ${role} process per million events`,
    );
    metrics[`peak_rss_mb_${role}`] = metric(
      runs.map((x) => x.roles[role]!.peakRssMb),
      `MB, peak RSS (VmHWM) of the ${role} process`,
    );
  }
  return metrics;
};
