import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startResponder } from '../../alerting/index.js';
import { DEFAULT_POLICY_INPUT } from '../../alerting/policy/default-policy.js';
import { Policy } from '../../alerting/policy/schema.js';
import { finding } from '../../alerting/testdata/findings.js';
import { FAST_DELIVERY, findingMessages, SECRET } from '../../alerting/testdata/harness.js';
import { stackRuntime } from '../../alerting/testdata/stack.js';
import { startReceiver } from '../../demo/index.js';
import { followRevocations } from '../../infra/revocation-follower.js';
import type { Action } from '../../schemas/action.js';
import type { DeadLetter } from '../../schemas/dead-letter.js';
import { uniqueName, waitFor } from '../helpers/wait.js';

const KEY_A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const KEY_B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const SOC_SECRET = 'whsec_c2VjcmV0LWZvci10aGUtc29jLXJlY2VpdmVyLTE=';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const critical = (key: string) =>
  finding({ id: `f-${key}`, severity: 'critical', subject: { kind: 'key', id: key } });

describe('delivery on the real stack', () => {
  it('a failing and a hanging destination are retried, then dead-lettered; the others and the responder carry on', async () => {
    const failing = await startReceiver(500); // GATEHOUND_SLACK_WEBHOOK_URL
    const hanging = await startReceiver('hang'); // GATEHOUND_WEBHOOK_URL
    const healthy = await startReceiver(200); // a channel of the policy file
    const stack = stackRuntime(uniqueName('deliver'), inject('kafkaBrokers'), inject('opensearchUrl'), {
      slackWebhookUrl: failing.url,
      webhookUrl: hanging.url,
      webhookSecret: SECRET,
      delivery: { ...FAST_DELIVERY, timeoutMs: 1500, maxAttempts: 3 },
    });
    const { runtime } = stack;
    const policy = Policy.parse({
      ...DEFAULT_POLICY_INPUT,
      channels: { soc: { kind: 'webhook', url: healthy.url, secret: SOC_SECRET } },
    });
    const responder = await startResponder(runtime, { policy, schedule: false, flushIntervalMs: 0 });
    const { findings, dlq, revocations } = runtime.config.kafka.topics;
    const follower = await followRevocations(runtime.bus, revocations, runtime.clock, runtime.log);
    const letters: DeadLetter[] = [];
    const tail = await runtime.bus.tail({
      topic: dlq,
      onMessage: (m) => void letters.push(JSON.parse(m.value!.toString())),
    });
    cleanups.push(
      () => failing.close(),
      () => hanging.close(),
      () => healthy.close(),
      () => stack.close(),
      () => tail.stop(),
      () => follower.stop(),
      () => responder.stop(),
    );
    const notifyActions = async () => {
      await stack.store.refresh();
      return (await stack.store.search<Action>('actions', { filters: { type: 'notify' }, limit: 50 })).items;
    };

    await runtime.bus.send(findings, findingMessages([critical(KEY_A)]));
    await waitFor('the healthy channel', () => healthy.received.length === 1, 30_000);
    await waitFor('the hanging receiver reached', () => hanging.received.length === 1);

    // While the hanging destination is still waiting out its timeouts, the next incident goes through.
    await runtime.bus.send(findings, findingMessages([critical(KEY_B)]));
    await waitFor('the second key revoked', () => follower.set.checkKey(KEY_B).revoked, 30_000);
    await waitFor('the healthy channel, again', () => healthy.received.length === 2);
    expect(letters.filter((l) => l.code === 'NOTIFY_TIMEOUT')).toHaveLength(0);

    await waitFor(
      'both bad destinations dead-lettered for both incidents',
      () => letters.length === 4,
      30_000,
    );
    await responder.idle();
    expect(failing.received).toHaveLength(6); // 3 attempts × 2 incidents
    expect(hanging.received).toHaveLength(6);
    expect(letters.map((l) => l.code).sort()).toEqual([
      'NOTIFY_FAILED',
      'NOTIFY_FAILED',
      'NOTIFY_TIMEOUT',
      'NOTIFY_TIMEOUT',
    ]);
    expect(letters.find((l) => l.code === 'NOTIFY_FAILED')).toMatchObject({
      stage: 'respond',
      reason: 'slack: slack answered HTTP 500',
    });
    for (const l of letters) expect(l.payload).not.toContain(SECRET);

    const byChannel = (await notifyActions())
      .map((a) => [a.detail.channel, a.status, a.detail.attempts])
      .sort();
    expect(byChannel).toEqual([
      ['slack', 'dead_lettered', 3],
      ['slack', 'dead_lettered', 3],
      ['soc', 'succeeded', 1],
      ['soc', 'succeeded', 1],
      ['webhook', 'dead_lettered', 3],
      ['webhook', 'dead_lettered', 3],
    ]);
    const soc = healthy.received[0]!;
    expect(new Webhook(SOC_SECRET).verify(soc.body, soc.headers as Record<string, string>)).toMatchObject({
      type: 'incident.opened',
    });
  });

  it('upstream adapters are called on revocation; a failing one is retried and reported, never lost', async () => {
    const litellm = await startReceiver(503);
    const gateway = await startReceiver(200);
    const stack = stackRuntime(uniqueName('adapt'), inject('kafkaBrokers'), inject('opensearchUrl'), {
      delivery: { ...FAST_DELIVERY, maxAttempts: 3 },
      adapters: [
        { kind: 'litellm', url: litellm.url.replace('/hook', ''), token: 'sk-master' },
        {
          kind: 'generic-http',
          name: 'gateway',
          url: `${gateway.url}/block/{{keyId}}`,
          body: '{"reason":"{{reason}}"}',
        },
      ],
    });
    const responder = await startResponder(stack.runtime, { schedule: false, flushIntervalMs: 0 });
    cleanups.push(
      () => litellm.close(),
      () => gateway.close(),
      () => stack.close(),
      () => responder.stop(),
    );
    const keyRef = 'c'.repeat(64);
    const f = critical(KEY_A);
    await stack.runtime.bus.send(
      stack.runtime.config.kafka.topics.findings,
      findingMessages([{ ...f, evidence: { ...f.evidence, details: { keyRef } } }]),
    );
    const upstream = async () => {
      await stack.store.refresh();
      return (await stack.store.search<Action>('actions', { filters: { type: 'upstream' }, limit: 10 }))
        .items;
    };
    await waitFor('both adapters reported', async () => (await upstream()).length === 2, 30_000);
    await responder.idle();
    const byAdapter = Object.fromEntries((await upstream()).map((a) => [a.detail.adapter, a]));
    expect(byAdapter.litellm).toMatchObject({
      status: 'dead_lettered',
      detail: { attempts: 3, code: 'UPSTREAM_FAILED' },
    });
    expect(byAdapter.gateway).toMatchObject({ status: 'succeeded', detail: { attempts: 1 } });
    expect(litellm.received.map((r) => JSON.parse(r.body))).toEqual([
      { key: keyRef },
      { key: keyRef },
      { key: keyRef },
    ]);
    expect(gateway.received[0]!.path).toBe(`/hook/block/${KEY_A}`);
  });
});
