import { afterEach, describe, expect, inject, it } from 'vitest';
import { startResponder } from '../../alerting/index.js';
import { finding } from '../../alerting/testdata/findings.js';
import { findingMessages, SECRET } from '../../alerting/testdata/harness.js';
import { stackRuntime } from '../../alerting/testdata/stack.js';
import { type Receiver, startReceiver } from '../../demo/index.js';
import type { DeadLetter } from '../../schemas/dead-letter.js';
import { uniqueName, waitFor } from '../helpers/wait.js';

const INCIDENTS = 300;
const DELIVERY = {
  timeoutMs: 1000,
  maxAttempts: 3,
  retryBaseMs: 20,
  retryMaxMs: 100,
  concurrency: 4,
  queueLimit: 10_000,
  breakerFailures: 5,
  // Longer than the test: once open, the breaker stays open and dead-letters at once.
  breakerCooldownMs: 600_000,
};
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** One high finding on each of INCIDENTS keys: each opens an incident that notifies Slack and the webhook. */
const findings = Array.from({ length: INCIDENTS }, (_, i) =>
  finding({ id: `f-dest-${i}`, subject: { kind: 'key', id: i.toString(16).padStart(32, '0') } }),
);

interface Run {
  seconds: number;
  incidents: number;
  letters: DeadLetter[];
}

/** The responder on the real stack: findings in, until every incident is indexed and delivery is idle. */
async function respond(slack: Receiver, webhook: Receiver): Promise<Run> {
  const stack = stackRuntime(uniqueName('dest'), inject('kafkaBrokers'), inject('opensearchUrl'), {
    slackWebhookUrl: slack.url,
    webhookUrl: webhook.url,
    webhookSecret: SECRET,
    delivery: DELIVERY,
  });
  const { runtime } = stack;
  const responder = await startResponder(runtime, { schedule: false, flushIntervalMs: 0 });
  const letters: DeadLetter[] = [];
  const tail = await runtime.bus.tail({
    topic: runtime.config.kafka.topics.dlq,
    onMessage: (m) => void letters.push(JSON.parse(m.value!.toString()) as DeadLetter),
  });
  cleanups.push(
    () => stack.close(),
    () => tail.stop(),
    () => responder.stop(),
  );
  const indexed = async () => {
    await stack.store.refresh();
    return (await stack.store.search('incidents', { limit: 1 })).total;
  };
  const t0 = Date.now();
  await runtime.bus.send(runtime.config.kafka.topics.findings, findingMessages(findings));
  await waitFor('every incident indexed', async () => (await indexed()) === INCIDENTS, 120_000);
  const seconds = (Date.now() - t0) / 1000;
  await responder.idle();
  return { seconds, incidents: await indexed(), letters };
}

describe('Slack failing and the webhook hanging while incidents keep coming', () => {
  it('retries, opens the breakers, dead-letters every undelivered message, and indexes as fast as with healthy destinations', async () => {
    const healthySlack = await startReceiver(200);
    const healthyHook = await startReceiver(200);
    cleanups.push(healthySlack.close, healthyHook.close);
    const baseline = await respond(healthySlack, healthyHook);

    const failing = await startReceiver(500);
    const hanging = await startReceiver('hang');
    cleanups.push(failing.close, hanging.close);
    const broken = await respond(failing, hanging);

    const codes = (run: Run) =>
      Object.fromEntries(
        [...new Set(run.letters.map((l) => l.code))].map((c) => [
          c,
          run.letters.filter((l) => l.code === c).length,
        ]),
      );
    const counts = {
      sent: INCIDENTS,
      baselineIndexed: baseline.incidents,
      baselineDelivered: { slack: healthySlack.received.length, webhook: healthyHook.received.length },
      baselineSeconds: baseline.seconds,
      brokenIndexed: broken.incidents,
      brokenSeconds: broken.seconds,
      attempts: { slack: failing.received.length, webhook: hanging.received.length },
      deadLetters: codes(broken),
      lost: 2 * INCIDENTS - broken.letters.length + (INCIDENTS - broken.incidents),
    };
    console.log(`failing destinations: ${JSON.stringify(counts)}`);

    expect(baseline.incidents).toBe(INCIDENTS);
    expect(healthySlack.received).toHaveLength(INCIDENTS);
    expect(healthyHook.received).toHaveLength(INCIDENTS);
    expect(baseline.letters).toHaveLength(0);
    // Nothing lost: every incident indexed, every message that could not be delivered dead-lettered.
    expect(broken.incidents).toBe(INCIDENTS);
    expect(counts.lost).toBe(0);
    // Retried before giving up, then the breakers stopped the calls: far fewer than one per message.
    expect(failing.received.length).toBeGreaterThanOrEqual(DELIVERY.maxAttempts);
    expect(failing.received.length).toBeLessThan(INCIDENTS / 4);
    expect(hanging.received.length).toBeLessThan(INCIDENTS / 4);
    expect(counts.deadLetters.CIRCUIT_OPEN).toBeGreaterThan(INCIDENTS);
    for (const l of broken.letters) expect(l.payload).not.toContain(SECRET);
    // Indexing never waited on a destination: had it, the hanging webhook alone would have cost
    // INCIDENTS × timeoutMs = 300 s. The figures printed above compare the two runs.
    expect(broken.seconds).toBeLessThan((INCIDENTS * DELIVERY.timeoutMs) / 1000 / 10);
  });
});
