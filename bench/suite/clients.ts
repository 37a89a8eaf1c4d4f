import { KafkaConfig } from '../../schemas/config/kafka.js';
import { type Part, repeat } from './context.js';
import { type Metrics, metric } from './metric.js';
import { sharedRequests } from './pipeline.js';
import { detectRun } from './scaling.js';

/**
 * The consume → detect → produce loop (the detect role, one worker) on each Kafka client the config
 * offers, read from the schema so a new client is measured as soon as it is selectable.
 */
export const clients: Part = async (ctx) => {
  const names = KafkaConfig.shape.client.unwrap().options;
  const requests = await sharedRequests(ctx, 'clients');
  // Every client in each run, so their ratio is read from runs under the same load.
  const { results, failed } = await repeat(ctx, 'clients', async (r) => {
    const eps: Record<string, number> = {};
    for (const client of names) {
      const name = `c${r}${client.slice(0, 4)}`;
      eps[client] = (await detectRun(ctx, { name, requests: requests.topic, workers: 1, client })).eps;
    }
    return eps;
  }).finally(() => requests.drop());
  const eps = Object.fromEntries(names.map((n) => [n, results.map((x) => x[n]!)]));
  const metrics: Metrics = {
    clients_failed_runs: metric([failed], `runs of ${ctx.runs} that failed (left out)`),
  };
  for (const client of names) {
    metrics[`client_${client}_eps`] = metric(
      eps[client]!,
      `events/s, detect role on ${client}, ${ctx.events.toLocaleString('en')} events`,
    );
  }
  const [first, ...others] = names;
  for (const other of others) {
    metrics[`client_${other}_vs_${first}`] = metric(
      eps[other]!.map((e, i) => e / eps[first!]![i]!),
      `${other} events/s / ${first} events/s, per run (> 1.5: make it selectable and say so)`,
    );
  }
  return metrics;
};
