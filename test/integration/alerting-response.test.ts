import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startResponder } from '../../alerting/index.js';
import { Policy } from '../../alerting/policy/schema.js';
import { finding } from '../../alerting/testdata/findings.js';
import { FAST_DELIVERY, findingMessages, SECRET } from '../../alerting/testdata/harness.js';
import { stackRuntime } from '../../alerting/testdata/stack.js';
import { startReceiver } from '../../demo/index.js';
import { followRevocations } from '../../infra/revocation-follower.js';
import type { Action } from '../../schemas/action.js';
import type { Finding } from '../../schemas/finding.js';
import type { Incident } from '../../schemas/incident.js';
import { uniqueName, waitFor } from '../helpers/wait.js';

const KEY = '0123456789abcdef0123456789abcdef';
const TRUSTED = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const critical = (id: string, minute: number, key = KEY): Finding =>
  finding({
    id,
    severity: 'critical',
    score: 0.97,
    subject: { kind: 'key', id: key },
    detectedAt: `2026-11-30T12:${String(minute).padStart(2, '0')}:00.000Z`,
  });

async function setup(policy?: Policy) {
  const slack = await startReceiver();
  const hook = await startReceiver();
  const stack = stackRuntime(uniqueName('respond'), inject('kafkaBrokers'), inject('opensearchUrl'), {
    slackWebhookUrl: slack.url,
    webhookUrl: hook.url,
    webhookSecret: SECRET,
    delivery: FAST_DELIVERY,
  });
  const { runtime } = stack;
  const start = () =>
    startResponder(runtime, { schedule: false, flushIntervalMs: 0, ...(policy ? { policy } : {}) });
  const responder = await start();
  const follower = await followRevocations(
    runtime.bus,
    runtime.config.kafka.topics.revocations,
    runtime.clock,
    runtime.log,
  );
  const state = { responder };
  cleanups.push(
    () => slack.close(),
    () => hook.close(),
    () => stack.close(),
    () => follower.stop(),
    () => state.responder.stop(),
  );
  const send = (findings: Finding[]) =>
    runtime.bus.send(runtime.config.kafka.topics.findings, findingMessages(findings));
  const actions = async (type: Action['type']) => {
    await stack.store.refresh();
    return (await stack.store.search<Action>('actions', { filters: { type }, limit: 100 })).items;
  };
  const incidents = async () => {
    await stack.store.refresh();
    return (await stack.store.search<Incident>('incidents', { limit: 100 })).items;
  };
  return { runtime, state, start, slack, hook, follower, send, actions, incidents, store: stack.store };
}

describe('responder on real Kafka and OpenSearch', () => {
  it('critical incident → one Slack message, one verified webhook, key revoked, then reinstated at expiry', async () => {
    const t = await setup();
    await t.send([critical('f1', 1), critical('f2', 2)]);
    await waitFor('the key revoked on every follower', () => t.follower.set.checkKey(KEY).revoked, 30_000);
    await waitFor(
      'Slack and the webhook',
      () => t.slack.received.length === 1 && t.hook.received.length === 1,
    );
    await t.state.responder.idle();

    const slack = JSON.parse(t.slack.received[0]!.body);
    expect(JSON.stringify(slack.blocks)).toContain(`CRITICAL auth_failure_burst on key ${KEY}`);
    const delivery = t.hook.received[0]!;
    const payload = new Webhook(SECRET).verify(delivery.body, delivery.headers as Record<string, string>);
    expect(payload).toMatchObject({
      type: 'incident.opened',
      incident: { severity: 'critical', status: 'open' },
    });

    const [incident, ...others] = await t.incidents();
    expect(others).toEqual([]);
    expect(incident).toMatchObject({
      type: 'auth_failure_burst',
      subject: { kind: 'key', id: KEY },
      findingCount: 2,
    });
    const verdict = t.follower.set.checkKey(KEY);
    expect(verdict.revoked && verdict.revocation).toMatchObject({
      incidentId: incident!.id,
      actor: 'policy:revoke-critical-keys',
      reason: expect.stringContaining('auth_failures_per_minute 40'),
    });
    const notifications = await t.actions('notify');
    expect(notifications.map((a) => [a.detail.channel, a.status]).sort()).toEqual([
      ['slack', 'succeeded'],
      ['webhook', 'succeeded'],
    ]);
    expect(
      (await t.store.get<Incident>('incidents', incident!.id))!.actions.map((a) => a.type).sort(),
    ).toEqual(['notify', 'notify', 'revoke']);

    t.runtime.clock.advance(60 * 60_000 - 1);
    expect(await t.state.responder.jobs.expireRevocations()).toBe(0);
    t.runtime.clock.advance(1);
    expect(await t.state.responder.jobs.expireRevocations()).toBe(1);
    await waitFor('the tombstone on the follower', () => t.follower.set.size === 0, 30_000);
    expect((await t.actions('reinstate')).map((a) => a.actor)).toEqual(['system:expire-revocations']);
  });

  it('a repeat offender is revoked ×4 longer', async () => {
    const t = await setup();
    await t.send([critical('f1', 1)]);
    await waitFor('first revocation', () => t.follower.set.checkKey(KEY).revoked, 30_000);
    // Quiet for longer than the quiet period: the next finding opens a second incident on the same key.
    await t.send([critical('f2', 59)]);
    await waitFor('second revoke action', async () => (await t.actions('revoke')).length === 2, 30_000);
    const durations = (await t.actions('revoke')).map((a) => a.detail.duration).sort();
    expect(durations).toEqual(['1h', '4h']);
  });

  it('a dry-run rule records "would revoke" and revokes nothing', async () => {
    const policy = Policy.parse({
      rules: [
        {
          name: 'trial',
          match: { severity: ['critical'] },
          dryRun: true,
          actions: [{ revoke: { duration: '1h' } }],
        },
      ],
    });
    const t = await setup(policy);
    await t.send([critical('f1', 1)]);
    await waitFor('the dry-run action', async () => (await t.actions('revoke')).length === 1, 30_000);
    const [action] = await t.actions('revoke');
    expect(action).toMatchObject({
      status: 'dry_run',
      actor: 'policy:trial',
      detail: { wouldRevoke: true, duration: '1h' },
    });
    await t.follower.ready;
    expect(t.follower.set.size).toBe(0);
    expect(t.slack.received).toHaveLength(0); // the policy has no notify rule
  });

  it('an allowlisted key is never revoked but still notified', async () => {
    const policy = Policy.parse({
      allowlist: { keys: [{ id: TRUSTED, note: 'synthetic monitor' }] },
      rules: [
        { name: 'page', match: { minSeverity: 'high' }, actions: [{ notify: null }] },
        { name: 'revoke', match: { severity: ['critical'] }, actions: [{ revoke: { duration: '1h' } }] },
      ],
    });
    const t = await setup(policy);
    await t.send([critical('t1', 1, TRUSTED), critical('k1', 1)]);
    await waitFor('the other key revoked', () => t.follower.set.checkKey(KEY).revoked, 30_000);
    await waitFor(
      'both notified on both channels',
      () => t.slack.received.length === 2 && t.hook.received.length === 2,
    );
    expect(t.follower.set.checkKey(TRUSTED).revoked).toBe(false);
    const revokes = await t.actions('revoke');
    expect(revokes.map((a) => [a.subject?.id, a.status]).sort()).toEqual([
      [KEY, 'succeeded'],
      [TRUSTED, 'skipped'],
    ]);
    expect(revokes.find((a) => a.status === 'skipped')!.detail).toMatchObject({
      reason: 'allowlisted',
      note: 'synthetic monitor',
    });
  });

  it('replaying the same findings twice, across a restart, gives no duplicate incident, notification or revocation', async () => {
    const t = await setup();
    const findings = [critical('f1', 1), critical('f2', 2), critical('f3', 3)];
    await t.send(findings);
    await waitFor('first pass done', async () => (await t.incidents())[0]?.findingCount === 3, 30_000);
    await waitFor('notified', () => t.slack.received.length === 1 && t.hook.received.length === 1);
    await t.state.responder.idle();

    await t.send(findings); // a replay to the live responder
    await t.state.responder.stop();
    t.state.responder = await t.start(); // a restart: state comes back from the store
    await t.send(findings); // and again
    await t.send([critical('f4', 4)]); // something new, to know the replays were consumed
    await waitFor(
      'the new finding joined the recovered incident',
      async () => (await t.incidents())[0]?.findingCount === 4,
      30_000,
    ).catch(async (e) => {
      console.error(JSON.stringify(await t.incidents()));
      throw e;
    });
    t.runtime.clock.advance(11 * 60_000);
    await t.state.responder.flush();
    await t.state.responder.idle();

    expect(await t.incidents()).toHaveLength(1);
    expect(await t.actions('revoke')).toHaveLength(1);
    // One "opened" message, then one digest for f4 after the throttle period, on each channel.
    const kinds = t.hook.received.map((r) => (JSON.parse(r.body) as { type: string }).type);
    expect(kinds).toEqual(['incident.opened', 'incident.updated']);
    expect(t.slack.received).toHaveLength(2);
  });
});
