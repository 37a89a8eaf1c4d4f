import { asDeliveryError, checkResponse } from '../delivery/retry.js';
import { alertmanagerPayload } from './alertmanager.js';
import type { Message, Notifier } from './notice.js';
import { secretKeys, signedHeaders } from './signing.js';

export type WebhookFormat = 'gatehound' | 'alertmanager';

/** gatehound's own payload: the incident as the API serves it, plus what changed and links; or the summary. */
export function gatehoundPayload(message: Message) {
  if (message.kind === 'summary') return { ...message, type: 'summary.daily' };
  const notice = message;
  return {
    type: `incident.${notice.kind}`,
    id: notice.id,
    at: notice.at,
    incident: notice.incident,
    change: notice.change,
    links: notice.links,
  };
}

/** A generic receiver, signed per Standard Webhooks with every configured secret. */
export class WebhookNotifier implements Notifier {
  readonly summaries: boolean;
  private readonly keys: Buffer[];

  constructor(
    readonly name: string,
    private readonly url: string,
    secrets: string,
    private readonly format: WebhookFormat,
    private readonly nowMs: () => number,
  ) {
    this.keys = secretKeys(secrets);
    this.summaries = format === 'gatehound';
  }

  async send(message: Message, signal: AbortSignal): Promise<void> {
    const body = JSON.stringify(
      this.format === 'alertmanager' && message.kind !== 'summary'
        ? alertmanagerPayload(message, this.name)
        : gatehoundPayload(message),
    );
    const headers = signedHeaders(this.keys, message.id, Math.floor(this.nowMs() / 1000), body);
    let status: number;
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'gatehound', ...headers },
        body,
        signal,
        redirect: 'error',
      });
      status = res.status;
      await res.body?.cancel();
    } catch (err) {
      throw asDeliveryError(this.name, err);
    }
    checkResponse(this.name, status);
  }
}
