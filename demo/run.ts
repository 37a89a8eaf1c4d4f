import type { Runtime } from '../infra/runtime.js';
import type { castFor } from './cast.js';
import { runScenario } from './scenario.js';
import { type DemoTally, DemoView } from './view.js';

export interface DemoRun {
  tally: DemoTally;
  seconds: number;
}

/**
 * Sends the demo's traffic through the proxy and shows what the pipeline makes of it. The keys are
 * prepared first (`castFor`) because the upstream stub must know them before it starts.
 */
export async function runDemo(
  rt: Runtime,
  prepared: ReturnType<typeof castFor>,
  out: NodeJS.WritableStream,
  tty: boolean,
): Promise<DemoRun> {
  const started = Date.now();
  const elapsed = () => (Date.now() - started) / 1000;
  const view = new DemoView(rt, { out, tty, elapsed });
  view.start();
  try {
    await runScenario(
      prepared.cast,
      {
        phase: (name, what) => view.phase(name, what),
        request: (r) => view.request(r.status),
        rejected: (client, r) => view.rejected(client.address, r.body),
      },
      prepared.keys.stolen,
    );
    // Let the last findings reach incidents and the view.
    await new Promise((r) => setTimeout(r, 1500));
  } finally {
    await view.stop();
    for (const c of prepared.clients) c.close();
  }
  return { tally: view.tally, seconds: elapsed() };
}

export function summary(
  run: DemoRun,
  urls: { proxy: string; api: string },
  token: string,
  embedded: boolean,
): string {
  const t = run.tally;
  const byType = new Map<string, number>();
  for (const inc of t.incidents.values()) byType.set(inc.type, (byType.get(inc.type) ?? 0) + 1);
  const types = [...byType].map(([type, n]) => `${type} ${n}`).join(', ') || 'none';
  const statuses = [...t.byStatus]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');
  return [
    '',
    `Done in ${run.seconds.toFixed(0)} s: ${t.requests} requests (${statuses})`,
    `  incidents      ${t.incidents.size} (${types})`,
    `  notifications  ${t.notifications} signed webhooks delivered to the local receiver`,
    `  revoked        ${t.revocations.length ? t.revocations.join(', ') : 'none'}`,
    `  refused        ${t.rejections} request(s) with a revoked key, by the proxy itself`,
    '',
    `The roles keep running. Try them:`,
    `  API docs       ${urls.api}/docs`,
    `  incidents      curl -H 'Authorization: Bearer ${token}' ${urls.api}/v1/incidents`,
    `  proxy          ${urls.proxy}  (in front of a local OpenAI-compatible stub)`,
    embedded
      ? `This ran on the in-process bus and store. For the real thing: npx gatehound stack up, then
  GATEHOUND_KAFKA_BROKERS=127.0.0.1:9092 GATEHOUND_OPENSEARCH_URL=http://127.0.0.1:9200 npm start`
      : 'This ran on Kafka and OpenSearch: the incidents are in the gatehound-incidents index.',
    'Ctrl-C stops everything.',
  ].join('\n');
}
