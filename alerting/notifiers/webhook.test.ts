import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../demo/index.js';
import { openIncident } from '../correlate.js';
import { DeliveryError } from '../delivery/retry.js';
import { finding } from '../testdata/findings.js';
import { SECRET } from '../testdata/harness.js';
import type { Notice } from './notice.js';
import { WebhookNotifier } from './webhook.js';

const notice: Notice = {
  id: 'inc-1.opened.1.1',
  kind: 'opened',
  at: '2026-11-30T12:00:00.000Z',
  incident: { ...openIncident(finding()), id: 'inc-1' },
  change: { opened: true, resolved: false, severityFrom: null, findingsAdded: 1, notes: [] },
  links: { api: null, dashboards: null },
};
const signal = new AbortController().signal;
const now = () => Date.now();

let receiver: Receiver;
afterEach(() => receiver?.close());

describe('webhook notifier', () => {
  it('posts gatehound’s JSON, signed so the reference verifier accepts it, with the notice id as webhook-id', async () => {
    receiver = await startReceiver();
    await new WebhookNotifier('webhook', receiver.url, SECRET, 'gatehound', now).send(notice, signal);
    const [req] = receiver.received;
    expect(req!.headers['webhook-id']).toBe(notice.id);
    expect(req!.headers['content-type']).toBe('application/json');
    const payload = new Webhook(SECRET).verify(req!.body, req!.headers as Record<string, string>);
    expect(payload).toMatchObject({ type: 'incident.opened', id: notice.id, incident: { id: 'inc-1' } });
  });

  it('posts the Alertmanager v4 format when configured', async () => {
    receiver = await startReceiver();
    await new WebhookNotifier('am', receiver.url, SECRET, 'alertmanager', now).send(notice, signal);
    const [req] = receiver.received;
    expect(new Webhook(SECRET).verify(req!.body, req!.headers as Record<string, string>)).toMatchObject({
      version: '4',
      status: 'firing',
      receiver: 'am',
    });
  });

  it('turns a 410 into a final failure and a 503 into a retryable one', async () => {
    receiver = await startReceiver(410);
    const notifier = new WebhookNotifier('webhook', receiver.url, SECRET, 'gatehound', now);
    await expect(notifier.send(notice, signal)).rejects.toMatchObject({ retryable: false, status: 410 });
    receiver.answer = 503;
    const err = await notifier.send(notice, signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ retryable: true, message: 'webhook answered HTTP 503' });
  });
});
