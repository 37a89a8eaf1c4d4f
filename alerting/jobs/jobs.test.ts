import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver } from '../../demo/index.js';
import { MemoryStore } from '../../infra/store/index.js';
import type { Action } from '../../schemas/action.js';
import type { Incident } from '../../schemas/incident.js';
import { waitFor } from '../../test/helpers/wait.js';
import { startResponder } from '../index.js';
import { finding } from '../testdata/findings.js';
import { FAST_DELIVERY, findingMessages, SECRET, testRuntime } from '../testdata/harness.js';
import { applyRetention } from './retention.js';

const MIN = 60_000;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup() {
  const hook = await startReceiver();
  const runtime = testRuntime({
    alerting: { webhookUrl: hook.url, webhookSecret: SECRET, delivery: FAST_DELIVERY, quietMs: 30 * MIN },
  });
  const responder = await startResponder(runtime, { schedule: false, flushIntervalMs: 0 });
  cleanups.push(
    () => hook.close(),
    () => responder.stop(),
  );
  const incidents = async () =>
    (
      await runtime.store.search<Incident>('incidents', {
        limit: 10,
        sort: [{ field: 'lastSeen', order: 'asc' }],
      })
    ).items;
  const send = (...f: ReturnType<typeof finding>[]) =>
    runtime.bus.send(runtime.config.kafka.topics.findings, findingMessages(f));
  const types = () => hook.received.map((r) => (JSON.parse(r.body) as { type: string }).type);
  return { runtime, responder, hook, incidents, send, types };
}

describe('scheduled jobs', () => {
  it('resolves an incident after the quiet period, says so, and the next finding opens a new one', async () => {
    const t = await setup();
    await t.send(finding({ id: 'a', severity: 'high' }));
    await waitFor('opened', () => t.hook.received.length === 1);
    expect(await t.responder.jobs.resolveQuiet()).toBe(0); // findings are still coming, by their event time

    t.runtime.clock.advance(31 * MIN); // and then nothing arrives for longer than the quiet period
    expect(await t.responder.jobs.resolveQuiet()).toBe(1);
    expect(await t.responder.jobs.resolveQuiet()).toBe(0);
    await waitFor('resolved message', () => t.hook.received.length === 2);
    expect(t.types()).toEqual(['incident.opened', 'incident.resolved']);
    const [incident] = await t.incidents();
    expect(incident!.status).toBe('resolved');
    expect(await t.runtime.store.get<Action>('actions', `${incident!.id}.resolved`)).toMatchObject({
      type: 'status_change',
      actor: 'system:resolve-quiet',
    });

    await t.send(finding({ id: 'b', severity: 'high', detectedAt: '2026-11-30T12:05:00.000Z' }));
    await waitFor('a second incident', async () => (await t.incidents()).length === 2);
  });

  it('never overwrites a status a person set, nor resolves an acknowledged incident', async () => {
    const t = await setup();
    await t.send(finding({ id: 'a', severity: 'high' }));
    await waitFor('opened', async () => (await t.incidents()).length === 1);
    const [incident] = await t.incidents();
    await t.runtime.store.update('incidents', incident!.id, { status: 'acknowledged' });
    t.runtime.clock.advance(61_000); // past the cache TTL, so the responder re-reads the status
    await t.send(finding({ id: 'b', severity: 'critical', detectedAt: '2026-11-30T12:01:30.000Z' }));
    await waitFor('joined', async () => (await t.incidents())[0]?.findingCount === 2);
    expect((await t.incidents())[0]).toMatchObject({ status: 'acknowledged', severity: 'critical' });
    t.runtime.clock.advance(60 * MIN);
    expect(await t.responder.jobs.resolveQuiet()).toBe(0);
    expect((await t.incidents())[0]!.status).toBe('acknowledged');
  });

  it('sends one daily digest of the last 24 hours, once however often it runs, and none on a quiet day', async () => {
    const t = await setup();
    expect(await t.responder.jobs.dailyDigest()).toBe(0);
    await t.send(finding({ id: 'a', severity: 'high' }));
    await waitFor('opened', () => t.hook.received.length === 1);
    t.runtime.clock.set(Date.parse('2026-11-30T12:00:30.000Z') + 12 * 3_600_000);
    expect(await t.responder.jobs.dailyDigest()).toBe(1);
    await t.responder.idle();
    expect(await t.responder.jobs.dailyDigest()).toBe(0);
    expect(t.types()).toEqual(['incident.opened', 'summary.daily']);
    expect(JSON.parse(t.hook.received[1]!.body)).toMatchObject({ total: 1, bySeverity: { high: 1 } });
  });

  it('retention deletes what is older than the retention period, and running it twice is harmless', async () => {
    const store = new MemoryStore();
    const now = Date.parse('2026-11-30T00:00:00Z');
    const old = {
      ...finding({ id: 'old' }),
      window: { start: '2026-10-01T00:00:00.000Z', end: '2026-10-01T00:01:00.000Z' },
    };
    const recent = finding({ id: 'recent' });
    await store.put(
      'findings',
      [old, recent].map((f) => ({ id: f.id, doc: f })),
    );
    expect(await applyRetention(store, now, 30)).toBe('2026-10-31T00:00:00.000Z');
    await applyRetention(store, now, 30);
    expect((await store.search<{ id: string }>('findings', { limit: 10 })).items.map((d) => d.id)).toEqual([
      'recent',
    ]);
  });
});
