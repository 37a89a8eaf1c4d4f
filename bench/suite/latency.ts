import { Webhook } from 'standardwebhooks';
import { incidentIdFor } from '../../alerting/index.js';
import { SECRET } from '../../alerting/testdata/harness.js';
import { startReceiver } from '../../demo/index.js';
import { KafkaBus } from '../../infra/bus/index.js';
import { OpenSearchStore } from '../../infra/store/index.js';
import type { Finding } from '../../schemas/finding.js';
import { percentile } from '../stack.js';
import { type Part, progress } from './context.js';
import { type Metrics, metric } from './metric.js';
import { log, Roles } from './pipeline.js';
import { runConfig } from './run-config.js';
import { type Attack, steadyLoad } from './steady-load.js';

const RATE = Number(process.env.BENCH_RATE ?? 20_000);
const SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 30);
const ATTACK_EVERY_MS = 250;
const WARMUP_MS = 5000;
const POLL_MS = 10;
/** How long after the load stops the last attacks may take to come through. */
const WAIT_MS = 30_000;

interface Sample extends Attack {
  findingAt?: number;
  incidentId?: string;
  incidentAt?: number;
  webhookAt?: number;
}

const STAGES = ['finding', 'incident', 'webhook'] as const;

/**
 * One run: the roles under a steady RATE events/s; for each embedded attack, the wall-clock times
 * its finding was produced (the findings record's timestamp), its incident became readable in
 * OpenSearch (a real-time GET by the incident's deterministic id) and its signed webhook arrived.
 */
async function latencyRun(ctx: Parameters<Part>[0], r: number) {
  const receiver = await startReceiver();
  const verifier = new Webhook(SECRET);
  const run = runConfig(ctx.stack, `lat${r}`, { webhookUrl: receiver.url, webhookSecret: SECRET });
  const roles = await Roles.start(run, { detectWorkers: 1, respond: true });
  const bus = new KafkaBus(run.config.kafka, log);
  const store = new OpenSearchStore(run.config.opensearch, log);
  const byKey = new Map<string, Sample>();
  const byIncident = new Map<string, Sample>();
  const push = receiver.received.push.bind(receiver.received);
  receiver.received.push = (...items) => {
    const at = Date.now();
    for (const item of items) {
      const body = verifier.verify(item.body, item.headers as Record<string, string>) as {
        incident?: { id: string };
      };
      const sample = body.incident && byIncident.get(body.incident.id);
      if (sample && !sample.webhookAt) sample.webhookAt = at;
    }
    return push(...items);
  };
  const tail = await bus.tail({
    topic: run.config.kafka.topics.findings,
    onMessage: (m) => {
      const f = JSON.parse(m.value!.toString()) as Finding;
      const sample = f.subject.kind === 'key' ? byKey.get(f.subject.id) : undefined;
      if (!sample || sample.findingAt) return;
      sample.findingAt = m.timestamp;
      sample.incidentId = incidentIdFor(f);
      byIncident.set(sample.incidentId, sample);
    },
  });
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const waiting = [...byIncident.values()].filter((s) => !s.incidentAt);
      await Promise.all(
        waiting.map(async (s) => {
          if (await store.get('incidents', s.incidentId!)) s.incidentAt ??= Date.now();
        }),
      );
      await new Promise((res) => setTimeout(res, POLL_MS));
    }
  })();
  try {
    const load = await steadyLoad(
      bus,
      run.config.kafka.topics.requests,
      {
        rate: RATE,
        seconds: SECONDS,
        attackEveryMs: ATTACK_EVERY_MS,
        warmupMs: WARMUP_MS,
        run: r,
      },
      (a) => byKey.set(a.keyId, a),
    );
    const deadline = Date.now() + WAIT_MS;
    const samples = [...byKey.values()];
    const complete = () => samples.filter((s) => s.findingAt && s.incidentAt && s.webhookAt);
    while (complete().length < samples.length && Date.now() < deadline)
      await new Promise((res) => setTimeout(res, 100));
    const end = Date.now();
    // A stage not reached by the end counts as reached then: a lower bound, so a backlog still shows.
    const ms = (stage: (typeof STAGES)[number]) =>
      samples.map(
        (s) =>
          ((stage === 'finding' ? s.findingAt : stage === 'incident' ? s.incidentAt : s.webhookAt) ?? end) -
          s.producedAt,
      );
    return {
      eps: load.eps,
      attacks: samples.length,
      missing: samples.length - complete().length,
      ...Object.fromEntries(STAGES.map((st) => [st, ms(st)])),
    } as { eps: number; attacks: number; missing: number } & Record<(typeof STAGES)[number], number[]>;
  } finally {
    polling = false;
    await poller;
    await tail.stop();
    await bus.close();
    await store.close();
    await roles.close();
    await receiver.close();
  }
}

export const latency: Part = async (ctx) => {
  const runs = [];
  for (let r = 0; r < ctx.runs; r++) {
    const x = await latencyRun(ctx, r);
    runs.push(x);
    progress(
      `latency run ${r + 1}: ${Math.round(x.eps)} events/s, ${x.attacks} attacks (${x.missing} incomplete), incident p99 ${percentile(x.incident, 99)} ms`,
    );
  }
  const metrics: Metrics = {
    latency_load_eps: metric(
      runs.map((x) => x.eps),
      `events/s generated (target load ${RATE.toLocaleString('en')})`,
    ),
    latency_incomplete_samples: metric(
      runs.map((x) => x.missing),
      `attacks (of ~${runs[0]!.attacks}) without finding, incident or webhook 30 s after the load (counted as then)`,
    ),
  };
  const label = { finding: 'event_to_finding', incident: 'event_to_incident', webhook: 'event_to_webhook' };
  for (const stage of STAGES) {
    for (const p of [50, 95, 99]) {
      const name = `${label[stage]}_p${p}_ms`;
      metrics[name] = metric(
        runs.map((x) => percentile(x[stage], p)),
        `ms, event produced -> ${stage === 'finding' ? 'finding produced' : stage === 'incident' ? 'incident indexed' : 'webhook delivered'}, target load ${RATE.toLocaleString('en')} events/s (achieved: latency_load_eps)`,
        name === 'event_to_incident_p99_ms' ? { op: '<=', value: 1000 } : undefined,
      );
    }
  }
  return metrics;
};
