import cron, { type ScheduledTask } from 'node-cron';
import { GatehoundError } from '../../infra/errors.js';
import type { Runtime } from '../../infra/runtime.js';
import type { Incident } from '../../schemas/incident.js';
import type { Dispatcher } from '../delivery/dispatcher.js';
import type { IncidentBook } from '../incident-store.js';
import type { Notifications } from '../notifications.js';
import type { Plan } from '../policy/evaluate.js';
import type { UpstreamCall } from '../revocation/adapters/index.js';
import { dailyDigest } from './daily-digest.js';
import { RevocationExpiry } from './expire-revocations.js';
import { resolveQuiet } from './resolve-quiet.js';
import { applyRetention } from './retention.js';

export interface Jobs {
  expireRevocations(): Promise<number>;
  resolveQuiet(): Promise<number>;
  retention(): Promise<string>;
  dailyDigest(): Promise<number>;
  stop(): Promise<void>;
}

export interface JobsDeps {
  runtime: Runtime;
  book: IncidentBook;
  notifications: Notifications;
  plan: (incident: Incident) => Plan;
  upstream: Dispatcher<UpstreamCall> | null;
  quietNow: () => number;
  schedule: boolean;
}

/** The responder's scheduled work. Each job is idempotent, so two responders running it do no harm. */
export async function startJobs(deps: JobsDeps): Promise<Jobs> {
  const { config, bus, store, clock, log } = deps.runtime;
  const a = config.alerting;
  const expiry = new RevocationExpiry({
    bus,
    store,
    clock,
    log,
    topic: config.kafka.topics.revocations,
    upstream: deps.upstream,
  });
  await expiry.start();
  const jobs = {
    expireRevocations: () => expiry.run(),
    resolveQuiet: () =>
      resolveQuiet({
        store,
        clock,
        book: deps.book,
        notifications: deps.notifications,
        plan: deps.plan,
        quietMs: a.quietMs,
        quietNow: deps.quietNow,
      }),
    retention: () => applyRetention(store, clock.now(), a.retentionDays),
    dailyDigest: () => dailyDigest({ store, clock, notifications: deps.notifications }),
  };
  const tasks: ScheduledTask[] = [];
  if (deps.schedule) {
    const specs: [string, string | null, () => Promise<unknown>][] = [
      ['expire-revocations', a.jobs.expireCron, jobs.expireRevocations],
      ['resolve-quiet', a.jobs.resolveCron, jobs.resolveQuiet],
      ['retention', a.jobs.retentionCron, jobs.retention],
      ['daily-digest', a.jobs.digestCron, jobs.dailyDigest],
    ];
    for (const [name, expression, run] of specs) {
      if (expression === null) continue;
      if (!cron.validate(expression))
        throw new GatehoundError(
          'CONFIG_INVALID',
          `alerting.jobs: "${expression}" is not a valid cron expression (${name})`,
        );
      tasks.push(
        cron.schedule(
          expression,
          async () => {
            try {
              await run();
            } catch (err) {
              deps.runtime.metrics.error('respond', 'INTERNAL');
              log.error({ err, job: name }, 'scheduled job failed');
            }
          },
          // Two responders fire the digest at the same second; a random delay lets the second one find
          // the first one's recorded action and send nothing.
          { name, noOverlap: true, ...(name === 'daily-digest' ? { maxRandomDelay: 60_000 } : {}) },
        ),
      );
    }
  }
  return {
    ...jobs,
    async stop() {
      for (const t of tasks) await t.destroy();
      await expiry.stop();
    },
  };
}
