import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../demo/index.js';
import { followRevocations } from '../infra/revocation-follower.js';
import type { Action } from '../schemas/action.js';
import type { Incident } from '../schemas/incident.js';
import { waitFor } from '../test/helpers/wait.js';
import { startResponder } from './index.js';
import { finding } from './testdata/findings.js';
import { FAST_DELIVERY, findingMessages, SECRET, testRuntime } from './testdata/harness.js';

const KEY = '0123456789abcdef0123456789abcdef';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup() {
  const slack = await startReceiver();
  const hook = await startReceiver();
  cleanups.push(
    () => slack.close(),
    () => hook.close(),
  );
  const runtime = testRuntime({
    alerting: {
      slackWebhookUrl: slack.url,
      webhookUrl: hook.url,
      webhookSecret: SECRET,
      delivery: FAST_DELIVERY,
    },
  });
  const responder = await startResponder(runtime, { schedule: false, flushIntervalMs: 0 });
  cleanups.push(() => responder.stop());
  return { runtime, responder, slack, hook };
}

const critical = (id: string, minute: number) =>
  finding({ id, severity: 'critical', score: 0.97, detectedAt: `2026-11-30T12:0${minute}:00.000Z` });

async function settle(r: Awaited<ReturnType<typeof setup>>, receivers: Receiver[], n: number) {
  await waitFor('deliveries', () => receivers.every((x) => x.received.length >= n));
  await r.responder.idle();
}

describe('responder (in-process bus and store)', () => {
  it('critical key incident → one Slack message, one signed webhook, a revocation that expires', async () => {
    const r = await setup();
    const follower = await followRevocations(
      r.runtime.bus,
      r.runtime.config.kafka.topics.revocations,
      r.runtime.clock,
      r.runtime.log,
    );
    cleanups.push(() => follower.stop());
    await r.runtime.bus.send(
      r.runtime.config.kafka.topics.findings,
      findingMessages([critical('f1', 1), critical('f2', 2)]),
    );
    await waitFor('key revoked', () => follower.set.checkKey(KEY).revoked);
    await settle(r, [r.slack, r.hook], 1);

    expect(r.slack.received).toHaveLength(1);
    expect(r.hook.received).toHaveLength(1);
    const payload = new Webhook(SECRET).verify(
      r.hook.received[0]!.body,
      r.hook.received[0]!.headers as Record<string, string>,
    );
    expect(payload).toMatchObject({
      type: 'incident.opened',
      incident: { severity: 'critical', subject: { id: KEY } },
    });

    const verdict = follower.set.checkKey(KEY);
    expect(verdict.revoked && verdict.revocation).toMatchObject({ actor: 'policy:revoke-critical-keys' });
    const incidents = await r.runtime.store.search<Incident>('incidents', { limit: 10 });
    expect(incidents.items).toHaveLength(1);
    expect(incidents.items[0]).toMatchObject({ findingCount: 2, status: 'open' });
    const revoke = await r.runtime.store.get<Action>('actions', `${incidents.items[0]!.id}.revoke`);
    expect(revoke).toMatchObject({ status: 'succeeded', detail: { duration: '1h' } });

    r.runtime.clock.advance(3_600_000);
    expect(await r.responder.jobs.expireRevocations()).toBe(1);
    await waitFor('tombstone applied', () => follower.set.size === 0);
    expect(await r.responder.jobs.expireRevocations()).toBe(0);
  });

  it('sends an invalid finding to the dead-letter topic with the reason and keeps going', async () => {
    const r = await setup();
    const { findings, dlq } = r.runtime.config.kafka.topics;
    const letters: string[] = [];
    const tail = await r.runtime.bus.tail({
      topic: dlq,
      onMessage: (m) => void letters.push(m.value!.toString()),
    });
    cleanups.push(() => tail.stop());
    await r.runtime.bus.send(findings, [
      { key: 'x', value: JSON.stringify({ ...critical('bad', 1), score: 7 }) },
    ]);
    await r.runtime.bus.send(findings, findingMessages([critical('f1', 1)]));
    await waitFor('dead letter', () => letters.length === 1);
    expect(JSON.parse(letters[0]!)).toMatchObject({
      code: 'EVENT_INVALID',
      stage: 'respond',
      reason: expect.stringContaining('score'),
    });
    await settle(r, [r.slack], 1);
  });

  it('replaying the same findings twice gives no duplicate incident, notification or revocation', async () => {
    const r = await setup();
    const batch = findingMessages([critical('f1', 1), critical('f2', 2), critical('f3', 3)]);
    await r.runtime.bus.send(r.runtime.config.kafka.topics.findings, batch);
    await settle(r, [r.slack, r.hook], 1);
    await r.runtime.bus.send(r.runtime.config.kafka.topics.findings, batch);
    // A new finding after the replay: once it is in, the replay before it has been consumed too.
    await r.runtime.bus.send(r.runtime.config.kafka.topics.findings, findingMessages([critical('f4', 4)]));
    await waitFor('the new finding', async () => (await r.runtime.store.get('findings', 'f4')) !== null);
    r.runtime.clock.advance(11 * 60_000);
    await r.responder.flush();
    await r.responder.idle();
    const incidents = await r.runtime.store.search<Incident>('incidents', { limit: 10 });
    expect(incidents.items.map((i) => i.findingCount)).toEqual([4]);
    const revokes = await r.runtime.store.search('actions', { filters: { type: 'revoke' }, limit: 10 });
    expect(revokes.total).toBe(1);
    const kinds = r.hook.received.map((x) => (JSON.parse(x.body) as { type: string }).type);
    expect(kinds).toEqual(['incident.opened', 'incident.updated']);
    expect(r.slack.received).toHaveLength(2);
  });
});
