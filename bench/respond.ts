/**
 * `npm run bench:respond`: the responder on real Kafka and OpenSearch, median of 3 runs, written to
 * bench/results/respond.json.
 *  1. Latency: a critical finding written to the findings topic → (a) the signed webhook delivered to a
 *     local receiver, (b) the revocation seen by a revocation follower (the read model every gateway
 *     enforces from). p50/p99 over BENCH_SAMPLES findings, each on a fresh key (target p99 ≤ 1 s).
 *  2. Throughput: BENCH_FINDINGS findings over BENCH_SUBJECTS keys already on the topic; a fresh consumer
 *     group reads them all, writing findings, incidents, actions and notifications (target ≥ 5,000/s).
 */
import type { Counter } from 'prom-client';
import { startResponder } from '../alerting/index.js';
import { finding } from '../alerting/testdata/findings.js';
import { findingMessages, SECRET } from '../alerting/testdata/harness.js';
import { startReceiver } from '../demo/index.js';
import { KafkaBus } from '../infra/bus/index.js';
import { createLogger } from '../infra/logger.js';
import { Metrics } from '../infra/metrics.js';
import { followRevocations } from '../infra/revocation-follower.js';
import { createRuntime } from '../infra/runtime.js';
import { OpenSearchStore } from '../infra/store/index.js';
import { Config } from '../schemas/config.js';
import type { Finding } from '../schemas/finding.js';
import { writeResults } from './results.js';
import { benchStack, percentile, stats } from './stack.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 50);
const FINDINGS = Number(process.env.BENCH_FINDINGS ?? 30_000);
const SUBJECTS = Number(process.env.BENCH_SUBJECTS ?? 300);
const log = createLogger({ level: 'warn' });
const stack = await benchStack();
const keyId = (run: number, i: number) =>
  `${run.toString(16).padStart(4, '0')}${i.toString(16).padStart(28, '0')}`;

async function runtimeFor(name: string, webhookUrl: string) {
  const prefix = `bench-respond-${Date.now().toString(36)}-${name}`;
  const config = Config.parse({
    kafka: {
      brokers: stack.kafkaBrokers,
      clientId: prefix,
      topics: Object.fromEntries(
        ['requests', 'requestsByIp', 'findings', 'revocations', 'state', 'dlq'].map((t) => [
          t,
          `${prefix}.${t}`,
        ]),
      ),
    },
    opensearch: { url: stack.opensearchUrl, indexPrefix: prefix, replicas: 0 },
    alerting: { webhookUrl, webhookSecret: SECRET },
  });
  const store = new OpenSearchStore(config.opensearch, log);
  const runtime = createRuntime(config, {
    log,
    bus: new KafkaBus(config.kafka, log),
    store,
    metrics: new Metrics(),
  });
  await runtime.bus.ensureTopics();
  return {
    runtime,
    store,
    close: () => Promise.all([runtime.bus.close(), store.dropAll().then(() => store.close())]),
  };
}

async function latencyRun(run: number) {
  const receiver = await startReceiver();
  const { runtime, close } = await runtimeFor(`lat${run}`, receiver.url);
  const responder = await startResponder(runtime);
  const follower = await followRevocations(
    runtime.bus,
    runtime.config.kafka.topics.revocations,
    runtime.clock,
    log,
  );
  await follower.ready;
  const notify: number[] = [];
  const revoke: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const key = keyId(run, i);
    const f = finding({ id: `lat-${run}-${i}`, severity: 'critical', subject: { kind: 'key', id: key } });
    const before = receiver.received.length;
    const t0 = performance.now();
    await runtime.bus.send(runtime.config.kafka.topics.findings, findingMessages([f]));
    let revokedAt = 0;
    while (receiver.received.length === before || !revokedAt) {
      if (!revokedAt && follower.set.checkKey(key).revoked) revokedAt = performance.now();
      await new Promise((r) => setImmediate(r));
      if (performance.now() - t0 > 10_000) throw new Error('no notification within 10 s');
    }
    notify.push(performance.now() - t0);
    revoke.push(revokedAt - t0);
  }
  await follower.stop();
  await responder.stop();
  await receiver.close();
  await close();
  return {
    notifyP50: percentile(notify, 50),
    notifyP99: percentile(notify, 99),
    revokeP50: percentile(revoke, 50),
    revokeP99: percentile(revoke, 99),
  };
}

async function throughputRun(run: number) {
  const receiver = await startReceiver();
  const { runtime, close } = await runtimeFor(`tput${run}`, receiver.url);
  const findings: Finding[] = Array.from({ length: FINDINGS }, (_, i) =>
    finding({
      id: `tput-${run}-${i}`,
      severity: 'medium',
      subject: { kind: 'key', id: keyId(run + 100, i % SUBJECTS) },
      detectedAt: new Date(Date.parse('2026-11-30T12:00:00Z') + i * 10).toISOString(),
    }),
  );
  for (let i = 0; i < findings.length; i += 5000)
    await runtime.bus.send(
      runtime.config.kafka.topics.findings,
      findingMessages(findings.slice(i, i + 5000)),
    );
  const responder = await startResponder(runtime, { schedule: false });
  const counter = runtime.metrics.registry.getSingleMetric('gatehound_responder_findings_total') as Counter;
  const processed = async () =>
    (await counter.get()).values.find((v) => v.labels.outcome === 'processed')?.value ?? 0;
  // Timed from the first processed batch, so the consumer group's join is not counted as work.
  let start: { at: number; count: number } | null = null;
  const deadline = performance.now() + 300_000;
  for (let done = 0; done < FINDINGS; done = await processed()) {
    if (!start && done > 0) start = { at: performance.now(), count: done };
    if (performance.now() > deadline) throw new Error(`only ${done} of ${FINDINGS} findings in 300 s`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const seconds = (performance.now() - start!.at) / 1000;
  const measured = FINDINGS - start!.count;
  await responder.stop();
  await receiver.close();
  await close();
  return { findingsPerSecond: measured / seconds, notifications: receiver.received.length };
}

const latency = [];
const throughput = [];
for (let run = 0; run < RUNS; run++) {
  latency.push(await latencyRun(run));
  throughput.push(await throughputRun(run));
  process.stderr.write(`run ${run + 1}: ${JSON.stringify({ ...latency.at(-1), ...throughput.at(-1) })}\n`);
}
const result = {
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  parameters: { runs: RUNS, samples: SAMPLES, findings: FINDINGS, subjects: SUBJECTS },
  metrics: {
    finding_to_notification_p50_ms: { ...stats(latency.map((l) => l.notifyP50)), unit: 'ms' },
    finding_to_notification_p99_ms: { ...stats(latency.map((l) => l.notifyP99)), unit: 'ms', target: 1000 },
    finding_to_revocation_seen_p99_ms: {
      ...stats(latency.map((l) => l.revokeP99)),
      unit: 'ms',
      target: 1000,
    },
    findings_per_second: {
      ...stats(throughput.map((t) => t.findingsPerSecond)),
      unit: 'findings/s',
      target: 5000,
    },
  },
};
writeResults('respond', result);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
