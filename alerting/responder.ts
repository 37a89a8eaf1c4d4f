import type { Subscription } from '../infra/bus/index.js';
import { DeadLetterWriter } from '../infra/dead-letter.js';
import { isGatehoundError } from '../infra/errors.js';
import type { RunningRole, Runtime } from '../infra/runtime.js';
import type { Incident } from '../schemas/incident.js';
import { Allowlist } from './allowlist.js';
import { buildNotifiers } from './channels.js';
import type { OutcomeDeps } from './deps.js';
import { FindingsHandler } from './findings-handler.js';
import { IncidentBook } from './incident-store.js';
import { type Jobs, startJobs } from './jobs/index.js';
import { responderMetrics } from './metrics.js';
import { Notifications } from './notifications.js';
import { evaluate, type Plan } from './policy/evaluate.js';
import type { Policy } from './policy/schema.js';
import { upstreamDispatcher } from './revocation/upstream.js';
import { RevocationWriter } from './revocation/writer.js';
import { SeenFindings } from './seen-findings.js';

export interface ResponderOptions {
  policy: Policy;
  groupId?: string;
  /** Back-off sleeps of the dispatchers (tests pass a fast one). */
  wait?: (ms: number) => Promise<unknown>;
  /** How often throttled digests are checked; 0 disables the timer (tests call `flush`). */
  flushIntervalMs?: number;
  /** Run the node-cron schedules (tests call the jobs directly). */
  schedule?: boolean;
}

export interface Responder extends RunningRole {
  flush(): Promise<void>;
  /** Resolves when no notification or upstream call is queued or in flight. */
  idle(): Promise<void>;
  readonly jobs: Jobs;
}

/**
 * The thin I/O shell of the responder: consumes findings as a consumer group, folds them into incidents
 * (correlate.ts, pure), asks the policy (evaluate.ts, pure) and carries out its plan. Offsets are
 * committed after incidents, revocations, actions and findings are written; notifications are queued.
 */
export async function createResponder(runtime: Runtime, options: ResponderOptions): Promise<Responder> {
  const { config, bus, store, clock, log } = runtime;
  const alerting = config.alerting;
  const metrics = responderMetrics(runtime.metrics);
  const policy = options.policy;
  const allowlist = new Allowlist(policy.allowlist);
  const plan = (incident: Incident): Plan => evaluate(policy, allowlist, incident, clock.now());
  const dlq = new DeadLetterWriter(bus, config.kafka.topics.dlq, 'respond', clock, runtime.metrics);

  const book = new IncidentBook(store, clock, {
    ttlMs: 60_000,
    maxEntries: 100_000,
    // Called from recover() and later loads, when `notifications` below exists.
    onLoad: (incident) => notifications.restore(incident),
  });
  const outcomes: OutcomeDeps = {
    delivery: alerting.delivery,
    clock,
    store,
    book,
    dlq,
    metrics,
    log,
    ...(options.wait ? { wait: options.wait } : {}),
  };
  const notifications = new Notifications({
    ...outcomes,
    notifiers: buildNotifiers(alerting, policy, clock),
    throttleMs: alerting.throttleMs,
    links: { apiUrl: alerting.apiUrl, dashboardsUrl: alerting.dashboardsUrl },
    plan,
  });
  const upstream = upstreamDispatcher(alerting.adapters, outcomes);
  const writer = new RevocationWriter({
    bus,
    store,
    clock,
    topic: config.kafka.topics.revocations,
    upstream,
  });
  const seen = new SeenFindings(store);

  const handler = new FindingsHandler({
    store,
    clock,
    log,
    dlq,
    book,
    seen,
    writer,
    notifications,
    plan,
    quietMs: alerting.quietMs,
    metrics,
    runtimeMetrics: runtime.metrics,
  });

  await store.ensureIndices();
  await bus.ensureTopics();
  // What an earlier responder wrote just before it stopped must be visible to the dedup and recovery searches.
  await store.refresh?.();
  const recovered = await book.recover();
  const jobs = await startJobs({
    runtime,
    book,
    notifications,
    plan,
    upstream,
    quietNow: () => handler.quietNow(),
    schedule: options.schedule ?? true,
  });
  const subscription: Subscription = await bus.consume({
    groupId: options.groupId ?? `${runtime.config.kafka.clientId}-respond`,
    topics: [config.kafka.topics.findings],
    fromBeginning: true,
    // Partitions taken over from another responder: see its last writes before deduplicating against them.
    onAssignment: () => store.refresh?.(),
    onBatch: async (batch) => {
      try {
        await handler.handle(batch);
      } catch (err) {
        // The bus retries the batch; handling is idempotent, so a retry repeats nothing that was done.
        runtime.metrics.error('respond', isGatehoundError(err) ? err.code : 'INTERNAL');
        log.error(
          { err, topic: batch.topic, partition: batch.partition },
          'findings batch failed; it will be retried',
        );
        throw err;
      }
    },
  });
  const flushMs = options.flushIntervalMs ?? 1000;
  const timer =
    flushMs > 0
      ? setInterval(() => {
          notifications.flush().catch((err: unknown) => log.error({ err }, 'digest flush failed'));
        }, flushMs)
      : null;
  timer?.unref();
  runtime.metrics.up.set({ role: 'respond' }, 1);
  if (notifications.dispatcher.destinations.length === 0)
    log.warn(
      'no notification channel configured (GATEHOUND_SLACK_WEBHOOK_URL, GATEHOUND_WEBHOOK_URL, policy channels)',
    );
  log.info(
    { recovered, channels: notifications.dispatcher.destinations, rules: policy.rules.length },
    'responder started',
  );

  return {
    name: 'respond',
    jobs,
    flush: () => notifications.flush(),
    idle: async () => {
      await notifications.idle();
      await upstream?.idle();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await subscription.stop();
      await jobs.stop();
      await notifications.stop();
      await upstream?.stop();
      runtime.metrics.up.set({ role: 'respond' }, 0);
    },
  };
}
